"""Publishing: GitHub issues from clusters, or drafts of them with an equivalent `gh` script."""
