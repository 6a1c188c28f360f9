"""Hosted Link: Link on a page of Gingham's own, reached by an opaque URL, with no SDK around it."""
