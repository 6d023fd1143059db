from pmo_xl.cli import main

main()
