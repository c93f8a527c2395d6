"""Destinations for rendered plans: a local folder tree, or students' Google Drive folders."""
