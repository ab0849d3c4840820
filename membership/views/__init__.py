"""The membership app's views, one module per part: the appeal beacon, the payment providers'
webhooks, and (to come) sign-up, sign-in and the account."""
