from django.urls import path

from .views import account, beacon, sign_in, signup, topics, webhooks

app_name = "membership"

urlpatterns = [
    path("beacon/", beacon.beacon, name="beacon"),
    path("webhooks/stripe/", webhooks.stripe_webhook, name="stripe_webhook"),
    path("webhooks/patreon/", webhooks.patreon_webhook, name="patreon_webhook"),
    # Becoming a patron (the form itself is on the SignupPage).
    path("sign-up/<int:page_id>/", signup.sign_up, name="sign_up"),
    path("confirm/<str:token>/", signup.confirm, name="confirm"),
    path("welcome/", signup.welcome, name="welcome"),
    path("checkout/", signup.checkout, name="checkout"),
    path("checkout/done/", signup.checkout_return, name="checkout_return"),
    # Signing in and out.
    path("sign-in/", sign_in.sign_in, name="sign_in"),
    path("sign-in/<str:token>/", sign_in.sign_in_token, name="sign_in_token"),
    path("sign-out/", sign_in.sign_out, name="sign_out"),
    # The patron's account.
    path("account/", account.account_page, name="account"),
    path("account/data/", account.account_data, name="account_data"),
    path("account/cancel/", account.account_cancel, name="account_cancel"),
    path("account/delete/", account.account_delete, name="account_delete"),
    path("account/payment/", account.billing_portal, name="billing_portal"),
    path("goodbye/", account.goodbye, name="goodbye"),
    # Voting on topics (the topics page itself is a Wagtail page, TopicsPage).
    path("topics/<int:topic_id>/vote/", topics.vote, name="vote"),
    path("topics/suggest/", topics.suggest, name="suggest"),
]
