from optkit.cli.app import main

main()
