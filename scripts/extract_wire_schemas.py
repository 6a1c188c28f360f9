"""Generate gingham/wire/request_schemas.json: Plaid's request-body contract.

Why this exists: Gingham validates every incoming request against Plaid's own
contract, so that a request real Plaid would reject is rejected here too (with
the same kind of error), and a request a real Plaid client can build is never
rejected.  The contract is derived from two sources:

1. Plaid's OpenAPI spec (plaid/plaid-openapi, ``2020-09-14.yml``).  For each
   endpoint Gingham serves, the request body schema is resolved into one
   self-contained tree: every ``$ref`` and ``allOf`` is inlined, descriptions
   and examples are dropped, and only the keywords the validator understands
   are kept (see "Node forms" below).
2. plaid-python 46, which was generated from a newer spec than our snapshot and
   can send fields the snapshot does not list.  Its request models are walked
   from each endpoint's request class, and anything it can send that the spec
   tree would reject is let in.  Properties the spec lacks are listed, by
   dotted path, under the top-level key ``_added_from_plaid_python``; other
   loosenings of existing fields (new enum values, requirements plaid-python
   dropped, nulls it allows) under ``_widened_for_plaid_python``, so every
   departure from the spec is visible in review.  (plaid-python lets any model
   carry extra keyword arguments; that is not taken as a licence for unknown
   keys, which stay an error exactly as on real Plaid.)

Node forms (the only keys that appear in the output):
  object:  type, properties, required, nullable, open
           ("open" only when the spec allows unknown keys: additionalProperties
           true/schema, or an object that declares no properties)
  array:   type, items, minItems, maxItems, nullable
  string:  type, enum, minLength, maxLength, format, pattern, nullable
           (enum lists only non-null strings; null is governed by nullable)
  integer/number: type, minimum, maximum, exclusiveMinimum, exclusiveMaximum,
           nullable  (OpenAPI 3.0's boolean ``exclusiveMinimum: true`` becomes
           ``exclusiveMinimum: <minimum>`` in place of ``minimum``)
  boolean: type, nullable
  any:     {"type": "any"} for what cannot be expressed

The generator fails loudly on schema keywords it does not know, so a spec
update that introduces a new kind of constraint cannot be silently dropped.

Usage:  .venv/bin/python scripts/extract_wire_schemas.py [SPEC_PATH]
(SPEC_PATH defaults to ../shared/plaid-openapi/2020-09-14.yml relative to the
repository root.)  Requires PyYAML and plaid-python 46.0.0 in the environment.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import inspect
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SPEC = REPO_ROOT.parent / "shared" / "plaid-openapi" / "2020-09-14.yml"
OUTPUT = REPO_ROOT / "gingham" / "wire" / "request_schemas.json"
PLAID_PYTHON_VERSION = "46.0.0"

ENDPOINTS: tuple[str, ...] = (
    "/link/token/create",
    "/link/token/get",
    "/item/public_token/exchange",
    "/item/public_token/create",
    "/item/get",
    "/item/remove",
    "/item/webhook/update",
    "/item/access_token/invalidate",
    "/accounts/get",
    "/accounts/balance/get",
    "/auth/get",
    "/identity/get",
    "/identity/match",
    "/signal/evaluate",
    "/signal/decision/report",
    "/signal/return/report",
    "/signal/prepare",
    "/transactions/sync",
    "/investments/holdings/get",
    "/investments/transactions/get",
    "/investments/refresh",
    "/liabilities/get",
    "/asset_report/create",
    "/asset_report/get",
    "/asset_report/pdf/get",
    "/asset_report/refresh",
    "/asset_report/filter",
    "/asset_report/remove",
    "/asset_report/audit_copy/create",
    "/asset_report/audit_copy/get",
    "/asset_report/audit_copy/pdf/get",
    "/asset_report/audit_copy/remove",
    "/statements/list",
    "/statements/download",
    "/statements/refresh",
    "/credit/bank_income/get",
    "/credit/bank_income/pdf/get",
    "/credit/bank_income/refresh",
    "/credit/bank_income/webhook/update",
    "/credit/sessions/get",
    "/transactions/get",
    "/transactions/refresh",
    "/transactions/recurring/get",
    "/categories/get",
    "/sandbox/transactions/create",
    "/institutions/get",
    "/institutions/get_by_id",
    "/institutions/search",
    "/sandbox/public_token/create",
    "/sandbox/item/reset_login",
    "/sandbox/item/fire_webhook",
    "/sandbox/item/set_verification_status",
    "/user/create",
    "/user/items/get",
    "/webhook_verification_key/get",
)

Node = dict[str, Any]
ModelClass = Any  # a plaid-python model class (plaid-python ships no type hints)
ANY: Node = {"type": "any"}

# Keywords that carry no validation meaning for us.
IGNORED_KEYWORDS = frozenset(
    {
        "description",
        "title",
        "example",
        "examples",
        "default",
        "deprecated",
        "externalDocs",
        "discriminator",
    }
)
# Keywords copied verbatim, per node type.
COPIED_KEYWORDS: dict[str, tuple[str, ...]] = {
    "string": ("enum", "minLength", "maxLength", "format", "pattern"),
    "integer": ("minimum", "maximum"),
    "number": ("minimum", "maximum"),
    "array": ("minItems", "maxItems"),
    "boolean": (),
    "object": (),
}
EXCLUSIVE_FLAGS = (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum"))
STRUCTURAL_KEYWORDS = frozenset(
    {
        "$ref",
        "type",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "nullable",
        "allOf",
        "oneOf",
        "anyOf",
        "exclusiveMinimum",
        "exclusiveMaximum",
    }
)


class SchemaError(Exception):
    """The spec uses something this generator cannot represent faithfully."""


# --------------------------------------------------------------------------
# Part 1: resolve the OpenAPI spec
# --------------------------------------------------------------------------


def load_spec(path: Path) -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open("rb") as fh:
        spec: dict[str, Any] = yaml.load(fh, Loader=loader)
    return spec


class SpecResolver:
    """Turns OpenAPI schemas into fully inlined validator nodes."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.schemas: dict[str, Any] = spec["components"]["schemas"]

    def request_schema(self, spec: dict[str, Any], path: str) -> Node:
        body = spec["paths"][path]["post"]["requestBody"]
        schema = body["content"]["application/json"]["schema"]
        return self.resolve(schema, where=path, refs=())

    def resolve(self, schema: dict[str, Any], where: str, refs: tuple[str, ...]) -> Node:
        check_keywords(schema, where)
        if "$ref" in schema:
            return self.resolve_ref(schema, where, refs)
        if "allOf" in schema:
            return self.resolve_all_of(schema, where, refs)
        if "oneOf" in schema or "anyOf" in schema:
            return self.resolve_alternatives(schema, where, refs)
        return self.resolve_plain(schema, where, refs)

    def resolve_ref(self, schema: dict[str, Any], where: str, refs: tuple[str, ...]) -> Node:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        if name in refs:
            raise SchemaError(f"{where}: recursive schema {name}")
        node = self.resolve(self.schemas[name], where, (*refs, name))
        siblings = {k: v for k, v in schema.items() if k != "$ref"}
        if siblings.get("nullable"):
            node["nullable"] = True
        return node

    def resolve_all_of(self, schema: dict[str, Any], where: str, refs: tuple[str, ...]) -> Node:
        # Keywords beside allOf act as one more member (annotation-only
        # siblings resolve to "any", which the merge ignores).
        rest = {k: v for k, v in schema.items() if k != "allOf"}
        members = [*schema["allOf"], rest]
        node = merge_all_of([self.resolve(m, where, refs) for m in members], where)
        if rest.get("nullable"):
            node["nullable"] = True
        return node

    def resolve_alternatives(
        self, schema: dict[str, Any], where: str, refs: tuple[str, ...]
    ) -> Node:
        members = schema.get("oneOf", []) + schema.get("anyOf", [])
        nodes = [self.resolve(m, where, refs) for m in members]
        nullable = schema.get("nullable") or any(n.get("nullable") for n in nodes)
        all_objects = all(n["type"] == "object" for n in nodes)
        node = merge_alternatives(nodes) if all_objects else dict(ANY)
        if nullable and node["type"] != "any":
            node["nullable"] = True
        return node

    def resolve_plain(self, schema: dict[str, Any], where: str, refs: tuple[str, ...]) -> Node:
        kind = schema.get("type") or infer_type(schema)
        if kind is None:
            return dict(ANY)
        if kind not in COPIED_KEYWORDS:
            raise SchemaError(f"{where}: unsupported type {kind!r}")
        node: Node = {"type": kind}
        for key in COPIED_KEYWORDS[kind]:
            if key in schema:
                node[key] = copy.deepcopy(schema[key])
        if "enum" in node:
            node.update(string_enum(node["enum"]))
        if kind in ("integer", "number"):
            node.update(exclusive_bounds(schema, where))
            for flag, limit in EXCLUSIVE_FLAGS:
                if flag in node:
                    node.pop(limit, None)
        elif kind == "array":
            node["items"] = self.resolve(schema.get("items", {}), where + "[]", refs)
        elif kind == "object":
            node.update(self.object_parts(schema, where, refs))
        if schema.get("nullable"):
            node["nullable"] = True
        return node

    def object_parts(self, schema: dict[str, Any], where: str, refs: tuple[str, ...]) -> Node:
        declared = schema.get("properties") or {}
        parts: Node = {
            "properties": {
                name: self.resolve(sub, f"{where}.{name}", refs) for name, sub in declared.items()
            },
            "required": list(schema.get("required") or []),
        }
        extra = schema.get("additionalProperties", False)
        if extra is True or isinstance(extra, dict) or not declared:
            parts["open"] = True
        return parts


def check_keywords(schema: dict[str, Any], where: str) -> None:
    known = IGNORED_KEYWORDS | STRUCTURAL_KEYWORDS
    known |= {k for keys in COPIED_KEYWORDS.values() for k in keys}
    unknown = [k for k in schema if k not in known and not k.startswith("x-")]
    if unknown:
        raise SchemaError(f"{where}: unsupported schema keywords {unknown}")


def infer_type(schema: dict[str, Any]) -> str | None:
    if "properties" in schema or "additionalProperties" in schema:
        return "object"
    if "items" in schema:
        return "array"
    if "enum" in schema and all(isinstance(v, str) for v in schema["enum"]):
        return "string"
    return None


def string_enum(values: list[Any]) -> Node:
    """Normalize a string enum: YAML reads unquoted 4.1 / 3 as numbers, and
    a null member means the value may be null (expressed by "nullable")."""
    node: Node = {"enum": [str(v) for v in values if v is not None]}
    if None in values:
        node["nullable"] = True
    return node


def exclusive_bounds(schema: dict[str, Any], where: str) -> Node:
    """OpenAPI 3.0 booleans -> numeric exclusive bounds (minimum/maximum moved)."""
    bounds: Node = {}
    for flag, limit in EXCLUSIVE_FLAGS:
        value = schema.get(flag, False)
        if value is True:
            if limit not in schema:
                raise SchemaError(f"{where}: {flag} without {limit}")
            bounds[flag] = schema[limit]
        elif value is not False:
            bounds[flag] = value  # already numeric (OpenAPI 3.1 style)
    return bounds


def merge_all_of(parts: list[Node], where: str) -> Node:
    """allOf: every part applies, so properties and requirements accumulate."""
    typed = [p for p in parts if p["type"] != "any"]
    if not typed:
        return dict(ANY)
    kinds = {p["type"] for p in typed}
    if len(kinds) > 1:
        raise SchemaError(f"{where}: allOf mixes types {sorted(kinds)}")
    if kinds != {"object"}:
        if len(typed) > 1:
            raise SchemaError(f"{where}: allOf of several {kinds.pop()} schemas")
        return copy.deepcopy(typed[0])
    node: Node = {"type": "object", "properties": {}, "required": []}
    for part in typed:
        for name, sub in part["properties"].items():
            node["properties"].setdefault(name, sub)
        add_unique(node["required"], part["required"])
    if all(p.get("open") for p in typed):
        node["open"] = True
    if all(p.get("nullable") for p in typed):
        node["nullable"] = True
    return node


def merge_alternatives(nodes: list[Node]) -> Node:
    """oneOf/anyOf of objects: any member's keys allowed, common ones required."""
    node: Node = {"type": "object", "properties": {}, "required": []}
    for member in nodes:
        for name, sub in member["properties"].items():
            node["properties"].setdefault(name, sub)
    common = set.intersection(*(set(m["required"]) for m in nodes))
    node["required"] = [r for r in nodes[0]["required"] if r in common]
    if any(m.get("open") for m in nodes):
        node["open"] = True
    return node


def add_unique(target: list[Any], values: list[Any]) -> list[Any]:
    """Append the values not yet in target; return the ones appended."""
    added = [v for v in values if v not in target]
    target.extend(added)
    return added


# --------------------------------------------------------------------------
# Part 2: what plaid-python 46 can send
# --------------------------------------------------------------------------


def request_models() -> dict[str, ModelClass]:
    """Map endpoint path -> plaid-python request model class."""
    import plaid
    from plaid.api.plaid_api import PlaidApi

    api = PlaidApi(plaid.ApiClient())
    models: dict[str, ModelClass] = {}
    for endpoint in vars(api).values():
        settings = getattr(endpoint, "settings", None)
        if not settings:
            continue
        for param, location in endpoint.location_map.items():
            if location == "body":
                (model,) = endpoint.openapi_types[param]
                models[settings["endpoint_path"]] = model
    return models


class ClientModels:
    """Turns plaid-python model classes and type tuples into validator nodes."""

    def __init__(self) -> None:
        from plaid import model_utils

        self.mu = model_utils

    def model_node(self, cls: ModelClass, stack: tuple[ModelClass, ...] = ()) -> Node:
        if cls in stack:
            raise SchemaError(f"recursive plaid-python model {cls.__name__}")
        if issubclass(cls, self.mu.ModelSimple):
            node = self.simple_node(cls)
        else:
            node = self.normal_node(cls, (*stack, cls))
        if getattr(cls, "_nullable", False):
            node["nullable"] = True
        return node

    def simple_node(self, cls: ModelClass) -> Node:
        node = self.types_node(cls.openapi_types["value"], ())
        return constrain(node, cls.allowed_values.get(("value",)), cls.validations.get(("value",)))

    def normal_node(self, cls: ModelClass, stack: tuple[ModelClass, ...]) -> Node:
        properties: dict[str, Node] = {}
        for attr, types in cls.openapi_types.items():
            node = self.types_node(types, stack)
            node = constrain(node, cls.allowed_values.get((attr,)), cls.validations.get((attr,)))
            properties[cls.attribute_map[attr]] = node
        return {"type": "object", "properties": properties, "required": self.required_keys(cls)}

    def required_keys(self, cls: ModelClass) -> list[str]:
        """JSON keys plaid-python refuses to build the model without."""
        if not issubclass(cls, self.mu.ModelComposed):
            return constructor_required_keys(cls)
        # A composed model instantiates every allOf member from its kwargs,
        # and at least one oneOf/anyOf member.
        composed = cls._composed_schemas
        required: list[str] = []
        for member in composed["allOf"]:
            add_unique(required, self.required_keys(member))
        alternatives = [self.required_keys(m) for m in composed["oneOf"] + composed["anyOf"]]
        if alternatives:
            common = set.intersection(*map(set, alternatives))
            add_unique(required, [k for k in alternatives[0] if k in common])
        return required

    def types_node(self, types: tuple[Any, ...], stack: tuple[ModelClass, ...]) -> Node:
        nullable = self.mu.none_type in types
        concrete = [t for t in types if t is not self.mu.none_type]
        if len(concrete) != 1:
            return dict(ANY)
        node = self.type_node(concrete[0], stack)
        if nullable and node["type"] != "any":
            node["nullable"] = True
        return node

    def type_node(self, tp: Any, stack: tuple[ModelClass, ...]) -> Node:
        if isinstance(tp, list):
            return {"type": "array", "items": self.types_node(tuple(tp), stack)}
        if isinstance(tp, dict):
            return {"type": "object", "properties": {}, "required": [], "open": True}
        if isinstance(tp, type) and issubclass(tp, self.mu.OpenApiModel):
            return self.model_node(tp, stack)
        return scalar_node(tp)


PY_SCALARS: dict[type, Node] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    float: {"type": "number"},
    bool: {"type": "boolean"},
    dt.date: {"type": "string", "format": "date"},
    dt.datetime: {"type": "string", "format": "date-time"},
    dict: {"type": "object", "properties": {}, "required": [], "open": True},
}


def scalar_node(tp: Any) -> Node:
    # Exact-class lookup: datetime subclasses date but must map to date-time.
    return copy.deepcopy(PY_SCALARS.get(tp, ANY))


def constructor_required_keys(cls: ModelClass) -> list[str]:
    """Required JSON keys = positional parameters of the model constructor."""
    params = inspect.signature(cls._from_openapi_data).parameters.values()
    attrs = [p.name for p in params if p.kind is p.POSITIONAL_OR_KEYWORD and p.name != "cls"]
    return [cls.attribute_map[a] for a in attrs]


VALIDATION_KEYS: dict[str, str] = {
    "max_length": "maxLength",
    "min_length": "minLength",
    "max_items": "maxItems",
    "min_items": "minItems",
    "inclusive_maximum": "maximum",
    "inclusive_minimum": "minimum",
    "exclusive_maximum": "exclusiveMaximum",
    "exclusive_minimum": "exclusiveMinimum",
}


def constrain(
    node: Node, allowed: dict[str, Any] | None, validations: dict[str, Any] | None
) -> Node:
    """Apply plaid-python's allowed_values/validations to a node."""
    if allowed:
        # For list properties plaid-python checks each element.
        target = node["items"] if node["type"] == "array" else node
        if target["type"] != "string":
            raise SchemaError(f"enum on a {target['type']} value: {allowed}")
        values = list(allowed.values())
        if None in values and "null" in values:
            values.remove("null")  # generator's second spelling of null
        target.update(string_enum(values))
    for key, value in (validations or {}).items():
        if key == "regex":
            node["pattern"] = value["pattern"]
        else:
            node[VALIDATION_KEYS[key]] = value
    return node


# --------------------------------------------------------------------------
# Part 3: widen the spec tree so plaid-python's requests always pass
# --------------------------------------------------------------------------


class Widener:
    """Merges a plaid-python node into a spec node, recording each change.

    ``added`` lists properties plaid-python knows and the spec lacks;
    ``widened`` maps an existing field to the ways it was loosened (new enum
    values, no longer required, now nullable, relaxed bounds).  Where
    plaid-python types a field as "any value" (its generator's fallback for
    an allOf-wrapped primitive, e.g. identity_verification.template_id), the
    spec's type is kept: that is a code-generation artefact, not a contract.
    """

    def __init__(self) -> None:
        self.added: list[str] = []
        self.widened: dict[str, list[str]] = {}

    def widen(self, spec: Node, client: Node, where: str) -> Node:
        if spec["type"] == "any" or client["type"] == "any":
            return spec
        if not compatible(spec["type"], client["type"]):
            self.note(where, f"type any (spec {spec['type']}, plaid-python {client['type']})")
            return dict(ANY)
        if client["type"] == "number" and spec["type"] == "integer":
            spec["type"] = "number"
            self.note(where, "type number")
        if client.get("nullable") and not spec.get("nullable"):
            spec["nullable"] = True
            self.note(where, "nullable")
        if spec["type"] == "object":
            self.widen_object(spec, client, where)
        elif spec["type"] == "array":
            self.widen_bounds(spec, client, where)
            spec["items"] = self.widen(spec["items"], client["items"], where + "[]")
        else:
            self.widen_scalar(spec, client, where)
        return spec

    def widen_object(self, spec: Node, client: Node, where: str) -> None:
        for name, sub in client["properties"].items():
            path = join(where, name)
            if name in spec["properties"]:
                spec["properties"][name] = self.widen(spec["properties"][name], sub, path)
            else:
                spec["properties"][name] = sub
                self.added.append(path)
        if not client["properties"]:
            return  # a plain dict in plaid-python says nothing about required
        for name in [r for r in spec["required"] if r not in client["required"]]:
            spec["required"].remove(name)
            self.note(join(where, name), "not required")

    def widen_scalar(self, spec: Node, client: Node, where: str) -> None:
        if "enum" in spec:
            if "enum" in client:
                for value in add_unique(spec["enum"], client["enum"]):
                    self.note(where, f"enum value {value!r}")
            else:
                del spec["enum"]
                self.note(where, "any value (no enum)")
        if "pattern" in spec and spec["pattern"] != client.get("pattern"):
            del spec["pattern"]
            self.note(where, "no pattern")
        # "format" is kept: plaid-python's date/datetime serialize to it, and
        # a plain str in plaid-python means "not checked client-side".
        self.widen_bounds(spec, client, where)

    def widen_bounds(self, spec: Node, client: Node, where: str) -> None:
        for low in ("minLength", "minItems", "minimum", "exclusiveMinimum"):
            self.relax(spec, client, low, where, lambda s, c: c < s)
        for high in ("maxLength", "maxItems", "maximum", "exclusiveMaximum"):
            self.relax(spec, client, high, where, lambda s, c: c > s)

    def relax(
        self, spec: Node, client: Node, key: str, where: str, looser: Callable[[Any, Any], bool]
    ) -> None:
        if key not in spec:
            return
        if key not in client:
            del spec[key]
            self.note(where, f"no {key}")
        elif looser(spec[key], client[key]):
            spec[key] = client[key]
            self.note(where, f"{key} {client[key]}")

    def note(self, where: str, change: str) -> None:
        self.widened.setdefault(where or "(body)", []).append(change)


def compatible(spec_type: str, client_type: str) -> bool:
    numeric = {"integer", "number"}
    return spec_type == client_type or {spec_type, client_type} <= numeric


def join(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


# --------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------


def build(spec_path: Path) -> dict[str, Any]:
    spec = load_spec(spec_path)
    resolver = SpecResolver(spec)
    client = ClientModels()
    models = request_models()
    result: dict[str, Any] = {}
    added: dict[str, list[str]] = {}
    widened: dict[str, dict[str, list[str]]] = {}
    for path in ENDPOINTS:
        node = resolver.request_schema(spec, path)
        widener = Widener()
        model = models[path]
        if not isinstance(model, type):
            # A free-form body (/categories/get takes `{}`): plaid-python has no model to widen by.
            result[path] = node
            continue
        result[path] = widener.widen(node, client.model_node(model), "")
        if widener.added:
            added[path] = widener.added
        if widener.widened:
            widened[path] = widener.widened
    result["_added_from_plaid_python"] = added
    result["_widened_for_plaid_python"] = widened
    result["_source"] = {
        "spec_version": spec["info"]["version"],
        "plaid_python": PLAID_PYTHON_VERSION,
    }
    return result


def check_plaid_python_version() -> None:
    from importlib.metadata import version

    found = version("plaid-python")
    if found != PLAID_PYTHON_VERSION:
        sys.exit(f"expected plaid-python {PLAID_PYTHON_VERSION}, found {found}")


def summarize(result: dict[str, Any]) -> None:
    for path in ENDPOINTS:
        node = result[path]
        print(f"{path}: {len(node['properties'])} properties, required={node['required']}")
    for path, fields in result["_added_from_plaid_python"].items():
        print(f"added from plaid-python, {path}: {', '.join(fields)}")
    for path, fields in result["_widened_for_plaid_python"].items():
        for field, changes in fields.items():
            print(f"widened for plaid-python, {path} {field}: {'; '.join(changes)}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "spec",
        nargs="?",
        type=Path,
        default=DEFAULT_SPEC,
        help=f"Plaid OpenAPI spec (default: {DEFAULT_SPEC})",
    )
    args = parser.parse_args(argv)
    check_plaid_python_version()
    result = build(args.spec)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    with OUTPUT.open("w", encoding="utf-8") as fh:
        json.dump(result, fh, sort_keys=True, indent=1)
        fh.write("\n")
    summarize(result)
    print(f"wrote {OUTPUT.relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    main()
