"""The sandbox OAuth bank: an OAuth 2.0 authorization server and account API for every OAuth
institution of the sandbox catalogue (its own ASGI app, `server.create_bank_app`), and the
connector Gingham uses to reach it (`connector.OAuthBankConnector`)."""
