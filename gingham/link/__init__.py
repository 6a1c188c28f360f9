"""Link: the session state machine behind the Link frame, its pages and its internal API."""
