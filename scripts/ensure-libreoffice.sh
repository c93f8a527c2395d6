#!/usr/bin/env bash
# Generated plans are checked by real consumers: LibreOffice headless opens the .docx files, headless
# Chromium the caseload.html page. Plans are printed with Arial-metric fonts (Liberation Sans, Debian's
# fonts-liberation2) so that pages break where they break in Word and Google Docs: the layout tests
# read the printed pages. Install them when we can (root with apt-get, as on CI); otherwise say so
# and let those tests skip.
set -euo pipefail
have_fonts() { command -v fc-list >/dev/null 2>&1 && [[ "$(fc-list : family)" == *"Liberation Sans"* ]]; }
# Calc opens the caseload overview workbook plangen writes itself (tests/output/test_xlsx.py).
have_calc() { ! command -v dpkg >/dev/null 2>&1 || dpkg -s libreoffice-calc-nogui >/dev/null 2>&1 \
        || dpkg -s libreoffice-calc >/dev/null 2>&1; }
if command -v soffice >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 \
        && command -v chromium >/dev/null 2>&1 && have_fonts && have_calc; then
    exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing LibreOffice Writer and Calc (headless), Arial-metric fonts and Chromium for the conversion, layout and page tests..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils fonts-liberation2 fontconfig chromium >/dev/null
else
    echo "note: soffice, chromium or the Liberation fonts are missing and cannot be apt-get installed here;" \
         "LibreOffice conversion, layout and browser tests will be skipped." >&2
fi
