"""The rule functions, one module per part of the form; ``checks.registry`` lists them."""
