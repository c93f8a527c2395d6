#!/usr/bin/env bash
# Generated plans are checked by a real consumer (LibreOffice headless). Install it when we can
# (root with apt-get, as on CI); otherwise say so and let those tests skip.
set -euo pipefail
if command -v soffice >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing LibreOffice Writer (headless) for the .docx conversion tests..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq libreoffice-writer-nogui poppler-utils >/dev/null
else
    echo "note: soffice not found and cannot apt-get install it here;" \
         "LibreOffice conversion tests will be skipped." >&2
fi
