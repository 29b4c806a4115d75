# benign: reading JSON input from the working directory, writing JSON output
import json
with open("input.json") as f:
    data = json.load(f)
result = {"count": len(data["items"]), "total": sum(i["value"] for i in data["items"]),
          "names": sorted(i["name"] for i in data["items"])}
with open("out.json", "w") as f:
    json.dump(result, f, indent=2, sort_keys=True)
with open("out.json") as f:
    assert json.load(f) == result
print(json.dumps(result, sort_keys=True))
print("BENIGN-OK")
