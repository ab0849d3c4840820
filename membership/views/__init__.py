"""The membership app's views, one module per part: the appeal beacon, sign-up (signup),
sign-in (sign_in), the patron's account (account), voting and suggesting topics (topics),
and the payment providers' webhooks."""
