from brochure.cli import main

try:
    main(prog_name="brochure")
finally:
    # Under `python -m`, CPython kills itself with SIGINT at exit when any exec() of a
    # string (dataclasses make their methods so) ended in KeyboardInterrupt, even one
    # caught and handled: a SIGTERM during an import then turned our exit code 130 into
    # "killed by SIGINT". A string exec that ends normally clears that flag.
    exec("pass")
