"""Customer notices: confirmation window, stages, audience, digest, maintenance."""

# alertd.config's schema embeds this package's config models; loading alertd.config
# first gives one import order whichever module a caller imports first.
import alertd.config  # noqa: F401
