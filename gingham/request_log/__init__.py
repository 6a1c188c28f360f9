"""The API request log: every credentialed JSON request, redacted, written in the background."""
