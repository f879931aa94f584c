// The S3 response reader: real response shapes, entity decoding and hostile input.
#include <doctest/doctest.h>

#include "egg/core/exit.hpp"
#include "egg/s3/xml.hpp"

using namespace egg::s3;

TEST_CASE("s3 xml: entities and numeric references decode to UTF-8") {
  CHECK(xml_decode("a&amp;b&lt;c&gt;d&quot;e&apos;f") == "a&b<c>d\"e'f");
  CHECK(xml_decode("&#65;&#x42;&#xe9;&#x1F600;") == "AB\xC3\xA9\xF0\x9F\x98\x80");
  CHECK_THROWS_AS(xml_decode("a & b"), egg::Error);
  CHECK_THROWS_AS(xml_decode("&nbsp;"), egg::Error);
  CHECK_THROWS_AS(xml_decode("&#0;"), egg::Error);
  CHECK_THROWS_AS(xml_decode("&#xD800;"), egg::Error);
  CHECK_THROWS_AS(xml_decode("&#x110000;"), egg::Error);
  CHECK_THROWS_AS(xml_decode("&#12a;"), egg::Error);
  CHECK(xml_escape("<a&'\">") == "&lt;a&amp;&apos;&quot;&gt;");
}

TEST_CASE("s3 xml: Error document, also when S3 sends it with HTTP 200") {
  const char* body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SignatureDoesNotMatch"
                     "</Code><Message>The request signature we calculated does not match</Message>"
                     "<Resource>/b/k</Resource><RequestId>4442587FB7D0A2F9</RequestId></Error>";
  auto e = parse_error(body);
  REQUIRE(e);
  CHECK(e->code == "SignatureDoesNotMatch");
  CHECK(e->resource == "/b/k");
  CHECK(e->request_id == "4442587FB7D0A2F9");
  CHECK_FALSE(parse_error(""));
  CHECK_FALSE(parse_error("<html>oops"));  // never throws on an error path
  CHECK_FALSE(parse_error("<ListBucketResult/>"));
  // S3 keeps a slow CompleteMultipartUpload alive with whitespace, then may report an error.
  auto c = parse_complete_multipart(std::string("\n \n ") + body);
  CHECK_FALSE(c.ok);
  CHECK(c.error.code == "SignatureDoesNotMatch");
  CHECK_THROWS_AS(parse_complete_multipart("  "), egg::Error);
  CHECK_THROWS_AS(parse_upload_id(body), egg::Error);
}

TEST_CASE("s3 xml: multipart initiate and complete") {
  CHECK(parse_upload_id("<?xml version=\"1.0\"?><InitiateMultipartUploadResult xmlns=\"http://s3."
                        "amazonaws.com/doc/2006-03-01/\"><Bucket>b</Bucket><Key>k</Key><UploadId>"
                        "VXBsb2FkIElE&amp;x</UploadId></InitiateMultipartUploadResult>") ==
        "VXBsb2FkIElE&x");
  CHECK_THROWS_AS(parse_upload_id("<InitiateMultipartUploadResult><UploadId/></InitiateMultipartUploadResult>"),
                  egg::Error);
  auto c = parse_complete_multipart(
      "<CompleteMultipartUploadResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<Location>http://h/b/k</Location><Bucket>b</Bucket><Key>k</Key>"
      "<ETag>&quot;3858f62230ac3c915f300c664312c11f-9&quot;</ETag></CompleteMultipartUploadResult>");
  CHECK(c.ok);
  CHECK(c.etag == "\"3858f62230ac3c915f300c664312c11f-9\"");
  CHECK(c.key == "k");
}

TEST_CASE("s3 xml: ListObjectsV2 with continuation, prefixes and escaped keys") {
  auto r = parse_list_objects_v2(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>b</Name>"
      "<Prefix>a/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys><IsTruncated>true</IsTruncated>"
      "<Contents><Key>a/x &amp; y+z \xC3\xBC</Key><LastModified>2009-10-12T17:50:30.000Z</LastModified>"
      "<ETag>&quot;fba9dede5f27731c9771645a39863328&quot;</ETag><Size>434234</Size>"
      "<StorageClass>STANDARD</StorageClass></Contents>"
      "<Contents><Key>a/big</Key><Size>18446744073709551615</Size><ETag>\"e-3\"</ETag></Contents>"
      "<CommonPrefixes><Prefix>a/sub/</Prefix></CommonPrefixes>"
      "<NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>"
      "</ListBucketResult>");
  REQUIRE(r.objects.size() == 2);
  CHECK(r.objects[0].key == "a/x & y+z \xC3\xBC");
  CHECK(r.objects[0].size == 434234);
  CHECK(r.objects[0].etag == "\"fba9dede5f27731c9771645a39863328\"");
  CHECK(r.objects[0].last_modified == "2009-10-12T17:50:30.000Z");
  CHECK(r.objects[1].size == 18446744073709551615ull);
  CHECK(r.common_prefixes == std::vector<std::string>{"a/sub/"});
  CHECK(r.is_truncated);
  CHECK(r.next_continuation_token == "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
  auto empty = parse_list_objects_v2("<ListBucketResult><IsTruncated>false</IsTruncated><Prefix/></ListBucketResult>");
  CHECK(empty.objects.empty());
  CHECK_FALSE(empty.is_truncated);
  CHECK_THROWS_AS(parse_list_objects_v2("<ListBucketResult><Contents><Key>k</Key><Size>-1</Size>"
                                        "</Contents></ListBucketResult>"), egg::Error);
  CHECK_THROWS_AS(parse_list_objects_v2("<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>"),
                  egg::Error);
  CHECK_THROWS_AS(parse_list_objects_v2("<Error><Code>NoSuchBucket</Code></Error>"), egg::Error);
}

TEST_CASE("s3 xml: ListAllMyBucketsResult") {
  auto b = parse_list_buckets(
      "<ListAllMyBucketsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Owner><ID>x</ID>"
      "</Owner><Buckets><Bucket><Name>forge</Name><CreationDate>2019-12-11T23:32:47+00:00"
      "</CreationDate></Bucket><Bucket><Name>foundation-backups</Name></Bucket></Buckets>"
      "</ListAllMyBucketsResult>");
  REQUIRE(b.size() == 2);
  CHECK(b[0].name == "forge");
  CHECK(b[1].name == "foundation-backups");
  CHECK(parse_list_buckets("<ListAllMyBucketsResult><Buckets/></ListAllMyBucketsResult>").empty());
}

TEST_CASE("s3 xml: malformed and hostile documents are refused") {
  const char* bad[] = {
      "", "text only", "<a>", "<a></b>", "<a><b></a></b>", "<a/><b/>", "<a>x</a>trailing",
      "<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>", "<a attr=unquoted/>", "<a attr=\"open/>",
      "<a><!-- unterminated </a>", "<a>&bogus;</a>", "<>", "<a",
  };
  for (const char* doc : bad) {
    CAPTURE(doc);
    CHECK_THROWS_AS(parse_xml(doc), egg::Error);
  }
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "<a>";
  CHECK_THROWS_AS(parse_xml(deep), egg::Error);
  auto n = parse_xml("<s3:R xmlns:s3=\"u\"><!-- c --><s3:K><![CDATA[<raw&>]]></s3:K></s3:R>");
  CHECK(n.name == "R");
  CHECK(n.child_text("K") == "<raw&>");
}
