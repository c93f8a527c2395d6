#!/usr/bin/env bash
# Generated plans are checked by real consumers: LibreOffice headless opens the .docx files, headless
# Chromium the caseload.html page. Install them when we can (root with apt-get, as on CI); otherwise
# say so and let those tests skip.
set -euo pipefail
if command -v soffice >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 \
        && command -v chromium >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing LibreOffice Writer (headless) and Chromium for the conversion and page tests..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq libreoffice-writer-nogui poppler-utils fonts-liberation2 chromium >/dev/null
else
    echo "note: soffice or chromium not found and cannot apt-get install them here;" \
         "LibreOffice conversion and browser tests will be skipped." >&2
fi
