#!/usr/bin/env python3
"""Validates OCDS 1.1.5 release and record packages against the official
schemas in tests/ocds/schema/1.1.5/, offline.

    validate.py PACKAGE.json...

Each file is a release package (it has "releases") or a record package (it
has "records"). Checked:
  - the package against release-package-schema.json or
    record-package-schema.json (JSON Schema draft 4; every $ref to
    https://standard.open-contracting.org/schema/1__1__5/... resolves to the
    local copy, nothing is fetched);
  - in a record package, each compiledRelease against release-schema.json
    and each versionedRelease against
    versioned-release-validation-schema.json;
  - formats "date-time" (RFC 3339) and "uri", whatever optional format
    packages the installed jsonschema has;
  - every value of a field that names a codelist (releaseTag, partyRole,
    currency, tenderStatus, ...) is a code of that codelist's CSV, open
    codelists included (our export uses listed codes only);
  - every relatedLot / relatedLots of a compiled release (and of a release
    that lists tender.lots) names a lot of its tender.lots (the lots
    extension, which the core schema does not cover).
Prints each error with its JSON path and exits 1 when there is one, else 0.
Works with jsonschema 4.x: the referencing registry when it is installed
(4.18+), else RefResolver (Debian 12's 4.10).
"""

import csv
import datetime
import json
import os
import re
import sys
import urllib.parse

import jsonschema

SCHEMA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schema", "1.1.5")
SCHEMA_URL = "https://standard.open-contracting.org/schema/1__1__5/"
SCHEMA_FILES = [
    "release-schema.json",
    "release-package-schema.json",
    "record-package-schema.json",
    "versioned-release-validation-schema.json",
]

RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def load_schemas():
    schemas = {}
    for name in SCHEMA_FILES:
        with open(os.path.join(SCHEMA_DIR, name), encoding="utf-8") as f:
            schemas[name] = json.load(f)
    return schemas


def format_checker():
    checker = jsonschema.FormatChecker(formats=())

    @checker.checks("date-time", raises=ValueError)
    def date_time(value):
        if not isinstance(value, str):
            return True
        if not RFC3339.match(value):
            raise ValueError("not an RFC 3339 date-time")
        datetime.datetime.fromisoformat(value[:19])  # a real day and time
        return True

    @checker.checks("uri", raises=ValueError)
    def uri(value):
        if not isinstance(value, str):
            return True
        parsed = urllib.parse.urlparse(value)
        if not parsed.scheme or not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*$", parsed.scheme):
            raise ValueError("no URI scheme")
        if any(c.isspace() for c in value):
            raise ValueError("white space in a URI")
        return True

    return checker


def validator_factory(schemas):
    """A function schema -> Draft4Validator resolving $refs locally."""
    checker = format_checker()
    try:
        import referencing
        import referencing.jsonschema

        registry = referencing.Registry().with_resources(
            (SCHEMA_URL + name, referencing.Resource(schema, referencing.jsonschema.DRAFT4))
            for name, schema in schemas.items())

        def make(schema):
            return jsonschema.Draft4Validator(schema, registry=registry, format_checker=checker)
    except ImportError:
        store = {SCHEMA_URL + name: schema for name, schema in schemas.items()}

        def make(schema):
            resolver = jsonschema.RefResolver.from_schema(schema, store=store)
            return jsonschema.Draft4Validator(schema, resolver=resolver, format_checker=checker)

    return make


def json_path(parts):
    path = "$"
    for part in parts:
        path += "[%d]" % part if isinstance(part, int) else "." + str(part)
    return path


def load_codelist(name, cache):
    if name not in cache:
        with open(os.path.join(SCHEMA_DIR, "codelists", name), encoding="utf-8") as f:
            cache[name] = {row["Code"] for row in csv.DictReader(f)}
    return cache[name]


def check_codelists(instance, schema, root, path, errors, cache):
    """Walks `instance` along `schema` (properties, items, local $refs) and
    reports every value outside the codelist its field names."""
    seen = set()
    while isinstance(schema, dict) and "$ref" in schema:
        ref = schema["$ref"]
        if not ref.startswith("#/") or ref in seen:
            return
        seen.add(ref)
        schema = root
        for part in ref[2:].split("/"):
            schema = schema[part]
    if not isinstance(schema, dict):
        return
    if "codelist" in schema:
        codes = load_codelist(schema["codelist"], cache)
        values = instance if isinstance(instance, list) else [instance]
        for i, value in enumerate(values):
            if value is None:
                continue
            if value not in codes:
                where = path + [i] if isinstance(instance, list) else path
                errors.append("%s: %r is not a code of %s" % (json_path(where), value,
                                                               schema["codelist"]))
    if isinstance(instance, dict):
        for key, value in instance.items():
            if key in schema.get("properties", {}):
                check_codelists(value, schema["properties"][key], root, path + [key], errors,
                                cache)
    elif isinstance(instance, list) and isinstance(schema.get("items"), dict):
        for i, value in enumerate(instance):
            check_codelists(value, schema["items"], root, path + [i], errors, cache)


def check_lots(release, path, errors, partial):
    """relatedLot(s) of items and awards name lots of tender.lots. A release
    (`partial`) may leave tender.lots to an earlier one: then it is not
    checked alone; its compiled release is."""
    tender = release.get("tender") or {}
    if partial and not tender.get("lots"):
        return
    lots = {lot.get("id") for lot in tender.get("lots") or [] if isinstance(lot, dict)}
    related = []
    for i, item in enumerate(tender.get("items") or []):
        if isinstance(item, dict) and "relatedLot" in item:
            related.append((path + ["tender", "items", i, "relatedLot"], item["relatedLot"]))
    for i, award in enumerate(release.get("awards") or []):
        for j, lot in enumerate((award or {}).get("relatedLots") or []):
            related.append((path + ["awards", i, "relatedLots", j], lot))
    for where, lot in related:
        if lot not in lots:
            errors.append("%s: lot %r is not in tender.lots" % (json_path(where), lot))


def schema_errors(validator, instance, path, errors):
    for error in sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path)):
        errors.append("%s: %s" % (json_path(path + list(error.absolute_path)), error.message))


def validate(package, schemas, make):
    errors = []
    cache = {}
    release_schema = schemas["release-schema.json"]
    versioned_schema = schemas["versioned-release-validation-schema.json"]
    if isinstance(package, dict) and "records" in package:
        schema_errors(make(schemas["record-package-schema.json"]), package, [], errors)
        release_validator = make(release_schema)
        versioned_validator = make(versioned_schema)
        for i, record in enumerate(package.get("records") or []):
            if not isinstance(record, dict):
                continue
            base = ["records", i]
            for j, release in enumerate(record.get("releases") or []):
                if isinstance(release, dict) and "ocid" in release:  # embedded, not linked
                    check_codelists(release, release_schema, release_schema,
                                    base + ["releases", j], errors, cache)
                    check_lots(release, base + ["releases", j], errors, True)
            if "compiledRelease" in record:
                compiled = record["compiledRelease"]
                schema_errors(release_validator, compiled, base + ["compiledRelease"], errors)
                check_codelists(compiled, release_schema, release_schema,
                                base + ["compiledRelease"], errors, cache)
                if isinstance(compiled, dict):
                    check_lots(compiled, base + ["compiledRelease"], errors, False)
            if "versionedRelease" in record:
                versioned = record["versionedRelease"]
                schema_errors(versioned_validator, versioned, base + ["versionedRelease"], errors)
                check_codelists(versioned, versioned_schema, versioned_schema,
                                base + ["versionedRelease"], errors, cache)
    elif isinstance(package, dict) and "releases" in package:
        schema_errors(make(schemas["release-package-schema.json"]), package, [], errors)
        for j, release in enumerate(package.get("releases") or []):
            if isinstance(release, dict):
                check_codelists(release, release_schema, release_schema, ["releases", j], errors,
                                cache)
                check_lots(release, ["releases", j], errors, True)
    else:
        errors.append("$: neither a release package (releases) nor a record package (records)")
    return errors


def main(argv):
    if len(argv) < 2:
        print("usage: validate.py PACKAGE.json...", file=sys.stderr)
        return 2
    schemas = load_schemas()
    make = validator_factory(schemas)
    failed = False
    for name in argv[1:]:
        try:
            with open(name, encoding="utf-8") as f:
                package = json.load(f)
        except (OSError, ValueError) as e:
            print("%s: cannot read: %s" % (name, e))
            failed = True
            continue
        errors = validate(package, schemas, make)
        for error in errors:
            print("%s: %s" % (name, error))
        failed = failed or bool(errors)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
