from brochure.cli import main

main()
