from django.dispatch import Signal

# Sent by the seed importer when a story carries a patron appeal passage.
# Keyword arguments: passage (articles.importing.AppealPassage), path (the story file),
# update (bool: --update was given). A membership app receives it to create its appeal,
# so that articles never imports membership.
appeal_passage_found = Signal()
