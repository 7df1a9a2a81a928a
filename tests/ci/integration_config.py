"""Write ansible-test's integration_config.yml (extra vars of every target) from the
emulator's connection file, so targets reach the emulator the same way a user would."""
import json
import sys

with open(sys.argv[1], encoding="utf-8") as handle:
    connection = json.load(handle)
with open(sys.argv[2], "w", encoding="utf-8") as handle:
    # JSON is YAML; ansible-test passes this file as @extra-vars.
    json.dump(connection, handle, indent=2, sort_keys=True)
