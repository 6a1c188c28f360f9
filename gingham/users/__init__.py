"""Users: Plaid's /user/create, the `user_token`, and the Items linked with it."""
