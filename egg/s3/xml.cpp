#include "egg/s3/xml.hpp"

#include <charconv>

#include "egg/core/exit.hpp"

namespace egg::s3 {
namespace {

// Deep enough for any S3 response (ListBucketResult is 3 levels), shallow enough that a hostile
// peer cannot make the parser's stack and memory grow without bound through nesting.
constexpr std::size_t kMaxDepth = 32;

[[noreturn]] void fail(const std::string& why) {
  throw Error(Exit::failed, "S3 response is not valid XML: " + why);
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool all_space(std::string_view s) {
  for (char c : s)
    if (!is_space(c)) return false;
  return true;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// XML 1.0 Char production: what a numeric reference may name.
bool xml_char(std::uint32_t cp) {
  return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
         (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

std::string_view local_name(std::string_view qname) {
  std::size_t colon = qname.find(':');
  return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

bool name_char(char c) { return !is_space(c) && c != '/' && c != '>' && c != '=' && c != '<'; }

[[noreturn]] void throw_s3(const S3Error& e) {
  throw Error(Exit::failed, "S3 error " + e.code + (e.message.empty() ? "" : ": " + e.message));
}

S3Error to_error(const XmlNode& root) {
  return {root.child_text("Code"), root.child_text("Message"), root.child_text("Resource"),
          root.child_text("RequestId")};
}

// Parses a response whose root must be `expected`; an <Error> root becomes an exception.
XmlNode expect_root(std::string_view body, std::string_view expected) {
  XmlNode root = parse_xml(body);
  if (root.name == "Error") throw_s3(to_error(root));
  if (root.name != expected)
    fail("expected <" + std::string(expected) + ">, got <" + root.name + ">");
  return root;
}

}  // namespace

const XmlNode* XmlNode::child(std::string_view n) const {
  for (const auto& c : children)
    if (c.name == n) return &c;
  return nullptr;
}

std::string XmlNode::child_text(std::string_view n) const {
  const XmlNode* c = child(n);
  return c ? c->text : std::string();
}

std::string xml_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    std::size_t semi = s.find(';', i);
    if (semi == std::string_view::npos || semi - i > 12) fail("bare '&'");
    std::string_view ent = s.substr(i + 1, semi - i - 1);
    if (ent == "amp") out += '&';
    else if (ent == "lt") out += '<';
    else if (ent == "gt") out += '>';
    else if (ent == "quot") out += '"';
    else if (ent == "apos") out += '\'';
    else if (ent.size() > 1 && ent[0] == '#') {
      bool hexa = ent[1] == 'x';
      std::string_view digits = ent.substr(hexa ? 2 : 1);
      std::uint32_t cp = 0;
      auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), cp, hexa ? 16 : 10);
      if (digits.empty() || ec != std::errc() || p != digits.data() + digits.size() || !xml_char(cp))
        fail("bad character reference '&" + std::string(ent) + ";'");
      append_utf8(out, cp);
    } else {
      fail("unknown entity '&" + std::string(ent) + ";'");
    }
    i = semi;
  }
  return out;
}

std::string xml_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

XmlNode parse_xml(std::string_view doc) {
  std::vector<XmlNode> stack;
  std::vector<std::string> raw_names;  // qualified names, for matching end tags
  std::optional<XmlNode> root;
  std::size_t i = 0;
  auto close = [&](XmlNode node) {
    if (!stack.empty()) {
      stack.back().children.push_back(std::move(node));
    } else {
      if (root) fail("more than one root element");
      root = std::move(node);
    }
  };
  while (i < doc.size()) {
    if (doc[i] != '<') {
      std::size_t lt = doc.find('<', i);
      if (lt == std::string_view::npos) lt = doc.size();
      std::string_view chunk = doc.substr(i, lt - i);
      if (stack.empty()) {
        if (!all_space(chunk)) fail("text outside the root element");
      } else {
        stack.back().text += xml_decode(chunk);
      }
      i = lt;
      continue;
    }
    std::string_view rest = doc.substr(i);
    if (rest.starts_with("<?")) {
      std::size_t end = doc.find("?>", i);
      if (end == std::string_view::npos) fail("unterminated processing instruction");
      i = end + 2;
    } else if (rest.starts_with("<!--")) {
      std::size_t end = doc.find("-->", i + 4);
      if (end == std::string_view::npos) fail("unterminated comment");
      i = end + 3;
    } else if (rest.starts_with("<![CDATA[")) {
      std::size_t end = doc.find("]]>", i + 9);
      if (end == std::string_view::npos || stack.empty()) fail("misplaced CDATA section");
      stack.back().text += doc.substr(i + 9, end - i - 9);
      i = end + 3;
    } else if (rest.starts_with("<!")) {
      fail("DOCTYPE and declarations are not accepted");
    } else if (rest.starts_with("</")) {
      std::size_t gt = doc.find('>', i);
      if (gt == std::string_view::npos) fail("unterminated end tag");
      std::string_view name = doc.substr(i + 2, gt - i - 2);
      while (!name.empty() && is_space(name.back())) name.remove_suffix(1);
      if (stack.empty() || raw_names.back() != name)
        fail("mismatched end tag </" + std::string(name) + ">");
      XmlNode node = std::move(stack.back());
      stack.pop_back();
      raw_names.pop_back();
      close(std::move(node));
      i = gt + 1;
    } else {
      std::size_t j = i + 1;
      while (j < doc.size() && name_char(doc[j])) ++j;
      std::string_view qname = doc.substr(i + 1, j - i - 1);
      if (qname.empty()) fail("empty element name");
      bool self_closing = false;
      for (;;) {  // attributes are checked for shape and ignored: S3 only puts xmlns there
        while (j < doc.size() && is_space(doc[j])) ++j;
        if (j >= doc.size()) fail("unterminated start tag");
        if (doc[j] == '>') { ++j; break; }
        if (doc.substr(j).starts_with("/>")) { j += 2; self_closing = true; break; }
        while (j < doc.size() && name_char(doc[j])) ++j;
        while (j < doc.size() && is_space(doc[j])) ++j;
        if (j >= doc.size() || doc[j] != '=') fail("malformed attribute");
        ++j;
        while (j < doc.size() && is_space(doc[j])) ++j;
        if (j >= doc.size() || (doc[j] != '"' && doc[j] != '\'')) fail("unquoted attribute");
        std::size_t endq = doc.find(doc[j], j + 1);
        if (endq == std::string_view::npos) fail("unterminated attribute");
        j = endq + 1;
      }
      if (stack.empty() && root) fail("more than one root element");
      if (stack.size() >= kMaxDepth) fail("nesting too deep");
      XmlNode node;
      node.name = std::string(local_name(qname));
      if (self_closing) {
        close(std::move(node));
      } else {
        stack.push_back(std::move(node));
        raw_names.emplace_back(qname);
      }
      i = j;
    }
  }
  if (!stack.empty()) fail("document truncated inside <" + stack.back().name + ">");
  if (!root) fail("no root element");
  return std::move(*root);
}

std::optional<S3Error> parse_error(std::string_view body) {
  if (all_space(body)) return std::nullopt;
  try {
    XmlNode root = parse_xml(body);
    if (root.name == "Error") return to_error(root);
  } catch (const Error&) {
  }
  return std::nullopt;
}

std::string parse_upload_id(std::string_view body) {
  XmlNode root = expect_root(body, "InitiateMultipartUploadResult");
  std::string id = root.child_text("UploadId");
  if (id.empty()) fail("InitiateMultipartUploadResult without UploadId");
  return id;
}

CompleteResult parse_complete_multipart(std::string_view body) {
  if (all_space(body)) fail("empty CompleteMultipartUpload response");
  XmlNode root = parse_xml(body);
  CompleteResult r;
  if (root.name == "Error") {
    r.error = to_error(root);
    return r;
  }
  if (root.name != "CompleteMultipartUploadResult")
    fail("expected <CompleteMultipartUploadResult>, got <" + root.name + ">");
  r.ok = true;
  r.location = root.child_text("Location");
  r.bucket = root.child_text("Bucket");
  r.key = root.child_text("Key");
  r.etag = root.child_text("ETag");
  return r;
}

ListObjectsResult parse_list_objects_v2(std::string_view body) {
  XmlNode root = expect_root(body, "ListBucketResult");
  ListObjectsResult r;
  for (const auto& c : root.children) {
    if (c.name == "Contents") {
      ObjectEntry e{c.child_text("Key"), 0, c.child_text("ETag"), c.child_text("LastModified")};
      std::string size = c.child_text("Size");
      auto [p, ec] = std::from_chars(size.data(), size.data() + size.size(), e.size);
      if (size.empty() || ec != std::errc() || p != size.data() + size.size())
        fail("bad <Size> '" + size + "'");
      r.objects.push_back(std::move(e));
    } else if (c.name == "CommonPrefixes") {
      r.common_prefixes.push_back(c.child_text("Prefix"));
    }
  }
  std::string truncated = root.child_text("IsTruncated");
  if (truncated != "true" && truncated != "false" && !truncated.empty())
    fail("bad <IsTruncated> '" + truncated + "'");
  r.is_truncated = truncated == "true";
  r.next_continuation_token = root.child_text("NextContinuationToken");
  if (r.is_truncated && r.next_continuation_token.empty())
    fail("truncated listing without NextContinuationToken");
  return r;
}

std::vector<BucketEntry> parse_list_buckets(std::string_view body) {
  XmlNode root = expect_root(body, "ListAllMyBucketsResult");
  std::vector<BucketEntry> out;
  if (const XmlNode* buckets = root.child("Buckets"))
    for (const auto& b : buckets->children)
      if (b.name == "Bucket") out.push_back({b.child_text("Name"), b.child_text("CreationDate")});
  return out;
}

}  // namespace egg::s3
