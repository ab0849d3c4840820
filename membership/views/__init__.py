"""The membership app's views, one module per part: the appeal beacon, and (to come) sign-up,
sign-in and the account, and the payment providers' webhooks."""
