#pragma once
// The few S3 XML responses egg reads, parsed by a small purpose-built reader: elements, text,
// the five predefined entities and numeric references. DOCTYPE (and so entity definitions) is
// refused, nesting is bounded, anything malformed throws egg::Error(Exit::failed).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace egg::s3 {

struct XmlNode {
  std::string name;  // namespace prefix dropped
  std::string text;  // decoded character data directly inside this element
  std::vector<XmlNode> children;

  const XmlNode* child(std::string_view n) const;
  std::string child_text(std::string_view n) const;  // "" when absent
};

XmlNode parse_xml(std::string_view doc);
std::string xml_decode(std::string_view s);  // entities -> UTF-8
std::string xml_escape(std::string_view s);  // for the bodies egg sends

struct S3Error {
  std::string code, message, resource, request_id;
};
// The error when the document's root is <Error>, whatever the HTTP status said.
std::optional<S3Error> parse_error(std::string_view body);

std::string parse_upload_id(std::string_view body);  // InitiateMultipartUploadResult

struct CompleteResult {
  bool ok = false;
  S3Error error;  // set when !ok: S3 may answer 200 and still fail the completion
  std::string location, bucket, key, etag;
};
CompleteResult parse_complete_multipart(std::string_view body);

struct ObjectEntry {
  std::string key;
  std::uint64_t size = 0;
  std::string etag;  // as sent, quotes included
  std::string last_modified;
};
struct ListObjectsResult {
  std::vector<ObjectEntry> objects;
  std::vector<std::string> common_prefixes;
  bool is_truncated = false;
  std::string next_continuation_token;
};
ListObjectsResult parse_list_objects_v2(std::string_view body);

struct BucketEntry {
  std::string name, creation_date;
};
std::vector<BucketEntry> parse_list_buckets(std::string_view body);

}  // namespace egg::s3
