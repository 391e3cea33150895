from loggardener.cli import main

main()
