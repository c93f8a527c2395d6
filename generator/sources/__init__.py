"""Stage 1: spreadsheet files (xlsx, csv) read into rows that know their file, sheet, row and column."""
