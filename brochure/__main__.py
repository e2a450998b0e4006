from brochure.cli import main

main(prog_name="brochure")
