from korpus.cli.main import main

main()
