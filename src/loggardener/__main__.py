from loggardener.launch import main

main()
