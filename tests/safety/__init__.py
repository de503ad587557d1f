"""The data-safety suite: hooks never change the working tree, the index or the stash, even when killed."""
