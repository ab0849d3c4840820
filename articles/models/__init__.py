from .authors import ArticleAuthor, Author
from .pages import ArticleIndexPage, ArticlePage, PublicPageMixin, TaggedArticle
from .read_also import ReadAlsoLink
from .settings import ArticleSettings

__all__ = [
    "ArticleAuthor",
    "ArticleIndexPage",
    "ArticlePage",
    "ArticleSettings",
    "Author",
    "PublicPageMixin",
    "ReadAlsoLink",
    "TaggedArticle",
]
