"""Stage 4: the Word template, loaded and checked once, compiled and rendered for many students."""
