"""Statements: an account's monthly bank statements, listed and downloaded as PDFs, and their refresh."""
