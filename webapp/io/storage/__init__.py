"""Cloud storage: source storages import objects as tasks (STO-1), target storages
receive annotations (STO-2). Adapters per kind; sync.py holds the rules."""
