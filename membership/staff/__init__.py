"""The Wagtail admin for patrons: tiers, the memberships listing and its exports, staff's
changes of a membership's status (logged in the audit log), and the dashboard panel.
Registered in `membership.wagtail_hooks`."""
