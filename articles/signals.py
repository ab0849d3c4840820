from django.dispatch import Signal

# Sent by the seed importer for a story with a closing passage: the lines from the one its
# sidecar's `appeal_starts` names, which never become part of the article. Keyword arguments:
# lines (tuple of str, the first is the appeal_starts line), appeal_starts (str, as the
# sidecar gives it), story_key (the story's normalised headline: the same for every import of
# that story), headline, path (the story file), update (bool: --update was given).
# Inside the import's transaction: a receiver that raises stops the import, and nothing is
# written. A receiver may return a line for the import's report. The membership app receives
# it to create its appeal, so that articles never imports membership.
closing_passage_found = Signal()
