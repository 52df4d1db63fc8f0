"""A local lab of DNS, HTTP and HTTPS servers on loopback, for tests and the demo.

`launchwizard.demo.lab.Lab` is the entry point; `scenario` holds what it serves.
"""
