using Convex.Sim.Core.Ids;
using Convex.Sim.Core.Validators;

namespace Convex.Sim.Database.Tests.Schema;

/// <summary>
/// A hand-written <c>schema.js</c> export (§7.9.1) of a small chat app, and a catalog for its IDs:
/// users 10001, channels 10002, messages 10003, the system table _storage 7.
/// </summary>
internal static class SchemaFixtures
{
    public const string ChatSchema = """
        {
          "tables": [
            {
              "tableName": "messages",
              "indexes": [
                {"indexDescriptor": "by_channel", "fields": ["channel"]},
                {"indexDescriptor": "by_author_and_channel", "fields": ["author", "channel"]}
              ],
              "stagedDbIndexes": [
                {"indexDescriptor": "by_meta_kind", "fields": ["meta.kind"]}
              ],
              "searchIndexes": [
                {"indexDescriptor": "search_body", "searchField": "body", "filterFields": ["channel"]}
              ],
              "stagedSearchIndexes": [],
              "vectorIndexes": [
                {
                  "indexDescriptor": "by_embedding",
                  "vectorField": "embedding",
                  "dimensions": 1536,
                  "filterFields": ["channel"]
                }
              ],
              "stagedVectorIndexes": [],
              "documentType": {
                "type": "object",
                "value": {
                  "author": {"fieldType": {"type": "id", "tableName": "users"}, "optional": false},
                  "body": {"fieldType": {"type": "string"}, "optional": false},
                  "channel": {"fieldType": {"type": "id", "tableName": "channels"}, "optional": false},
                  "embedding": {"fieldType": {"type": "array", "value": {"type": "number"}}, "optional": true},
                  "meta": {
                    "fieldType": {
                      "type": "object",
                      "value": {
                        "kind": {
                          "fieldType": {"type": "union", "value": [
                            {"type": "literal", "value": "text"},
                            {"type": "literal", "value": "image"}
                          ]},
                          "optional": false
                        }
                      }
                    },
                    "optional": true
                  }
                }
              },
              "stagedDocumentType": null
            },
            {
              "tableName": "users",
              "indexes": [{"indexDescriptor": "by_name", "fields": ["name"]}],
              "stagedDbIndexes": [],
              "searchIndexes": [],
              "stagedSearchIndexes": [],
              "vectorIndexes": [],
              "stagedVectorIndexes": [],
              "documentType": {
                "type": "union",
                "value": [
                  {"type": "object", "value": {
                    "_id": {"fieldType": {"type": "id", "tableName": "users"}, "optional": false},
                    "kind": {"fieldType": {"type": "literal", "value": "human"}, "optional": false},
                    "name": {"fieldType": {"type": "string"}, "optional": false}
                  }},
                  {"type": "object", "value": {
                    "kind": {"fieldType": {"type": "literal", "value": "bot"}, "optional": false},
                    "name": {"fieldType": {"type": "string"}, "optional": false},
                    "owner": {"fieldType": {"type": "id", "tableName": "users"}, "optional": false}
                  }}
                ]
              }
            },
            {
              "tableName": "channels",
              "indexes": [],
              "documentType": {"type": "any"}
            },
            {
              "tableName": "logs",
              "indexes": [{"indexDescriptor": "by_level", "fields": ["level"]}]
            }
          ],
          "schemaValidation": true,
          "futureOption": {"ignored": true}
        }
        """;

    public static readonly TableNameLookup Lookup = number => number.Value switch
    {
        10001 => "users",
        10002 => "channels",
        10003 => "messages",
        7 => "_storage",
        _ => null,
    };

    public static string UserId(ulong n) => Id(10001, n);

    public static string ChannelId(ulong n) => Id(10002, n);

    public static string MessageId(ulong n) => Id(10003, n);

    public static string StorageId(ulong n) => Id(7, n);

    private static string Id(uint table, ulong n) =>
        DocumentIdCodec.Encode(new DocumentId(new TableNumber(table), new UInt128(0x1234, n)));
}
