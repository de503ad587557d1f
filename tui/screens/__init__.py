"""The screens of the terminal UI, each beside its stylesheet."""
