#ifndef SATISFACTION_SERVICES_STORAGE_SHIPPED_MIGRATIONS_H_
#define SATISFACTION_SERVICES_STORAGE_SHIPPED_MIGRATIONS_H_

#include "absl/strings/string_view.h"

namespace satisfaction::storage {

// A step of SchemaMigrations() and the SHA-256 of its exact text when it
// shipped (see shipped_migrations_test.cc for what is hashed).
struct ShippedMigration {
  int version;
  absl::string_view sha256;
};

// Every step in services/storage/schema.cc, oldest first. A listed step is
// frozen: databases that applied it never apply it again, so an edit would
// leave them with a schema new ones do not have. To change the schema, add a
// step and append its digest here in the same change; the test that checks
// this list prints the line to append. Never edit or remove a line.
inline constexpr ShippedMigration kShippedMigrations[] = {
    {1, "d3304949560b64b2ae46fed9ff41a6728eab14212cee0a0566baafe3c4a54fe4"},
    {2, "f0ee083b14edbea9626450fbc0f55337cad76c41263c114fc9fa0aa3e803ce57"},
    {3, "f929a71f50ae8303fb7358b707276455695ebd8b5a2899ae668fb2c74754fe1a"},
    {4, "ef6298a688badce7b0d87a5e08809e56114251815b09fa0dbb2211f878034d80"},
    {5, "add0b13462d54844e08fcf575c1f66307ea4d12ac777e0b32cb148910ba42a98"},
    {6, "15f5dcaf830aff870cd56edca371e8798ed71be64510713662df322c3781aeb2"},
    {7, "958c40c115c3e9d0b46ccb590c267323d9be676ec20b1c95142c3f8617b75369"},
    {8, "9cf6096665d23f39b1ec92777a166abc746385e122bc1de326e6f3d186ae218d"},
    {9, "a037d15298d572cb9cc65a51a8bf893ff2906b58d08abcc3fbbf00bd2f97461b"},
    {10, "8f4be5d4acf005c7dcd6f96a4e3565740fb9a814f8c40cf26b45a0805f276505"},
    {11, "e0738e5dac1e30e174a2830819fa82286fc689c80e00edf37cdeb5c96156a6b0"},
    {12, "77bfc1ac4bdf30e55d1656b98780f958200a70bc6823d9433b60b56849c24ce6"},
    {13, "47f57729a146de40a6fc0edbddc98e656df0e0fc3d7abd8e17808537f0d0a816"},
    {14, "ea02fd715fabf87bb3bdfd9802bd4e4f2ac25878f1144c75333c3fa79b205f16"},
    {15, "c54e48e015b484978ebd5f898b10fc978ccba86fab024e18c1eed785dc0944eb"},
    {16, "b9e76f5073d774027b220db74718ae6fb28544276f7be75d6e916b25eaa70174"},
    {17, "71a412e495797c8cd8f44b9b1eb9eb792951e74abf66bef0f918b3613c1688bf"},
    {18, "45f3ccf7fba001436e8e84dd6c95cfac3ee7c30c1a476eb4664ac109af4ccad4"},
    {19, "17795b4915b6d5f952604fd450808ccc0fcef888bd1c5973b32569e06be7b762"},
    {20, "eb775be526f2697d68c60f8e914b7a64b4676e20102f18beced56086b7f16e72"},
    {21, "bbbd6c6b46931cc0c7375a8075bc8ad44a0943f0db6f95b6778e07abd362bbfa"},
    {22, "4d3305fe4e21820c3a96874de967fa09cfb7c6cbf7f9d03d3ea8c93f64a3aee9"},
    {23, "bb6d1c8c8f1005180993f8d5abd5c05cd7c5b8c00aa22e5affc92b683c68944b"},
    {24, "d448f1d8908d78846156235b2b405fdcd46cb593c8fce05937107bf60fbbde21"},
    {25, "017cf7a6c50ec1d64f4d3907b567e7f01e18818c55f405d7e6a63c06e644ba4f"},
};

}  // namespace satisfaction::storage

#endif  // SATISFACTION_SERVICES_STORAGE_SHIPPED_MIGRATIONS_H_
