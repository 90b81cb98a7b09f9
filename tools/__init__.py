"""The book's build and test tooling (run the scripts from the top folder: python tools/X.py)."""
