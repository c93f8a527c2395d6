"""``plangen init``: a commented draft mapping from a therapist's own sheet (and template)."""
