"""What `gac init` writes: the git user's identity, and the files rendered from templates/init/."""
