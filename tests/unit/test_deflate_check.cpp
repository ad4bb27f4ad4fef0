#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "dicom/deflate_check.hpp"
#include "dicom/dicom_file.hpp"

using namespace dcmlens;

namespace {

using Bytes = std::vector<std::uint8_t>;

void put16(Bytes& b, std::uint32_t v) {
    b.push_back(static_cast<std::uint8_t>(v));
    b.push_back(static_cast<std::uint8_t>(v >> 8));
}

void put32(Bytes& b, std::uint32_t v) {
    put16(b, v & 0xFFFF);
    put16(b, v >> 16);
}

// An explicit VR little endian element header (PS3.5 7.1.2): the long form for `longForm`.
void header(Bytes& b, std::uint16_t group, std::uint16_t element, const char* vr,
            std::uint32_t length, bool longForm) {
    put16(b, group);
    put16(b, element);
    b.push_back(static_cast<std::uint8_t>(vr[0]));
    b.push_back(static_cast<std::uint8_t>(vr[1]));
    if (longForm) {
        put16(b, 0);
        put32(b, length);
    } else {
        put16(b, length);
    }
}

void element(Bytes& b, std::uint16_t group, std::uint16_t element, const char* vr,
             const std::string& value) {
    header(b, group, element, vr, static_cast<std::uint32_t>(value.size()), false);
    b.insert(b.end(), value.begin(), value.end());
}

Bytes rawDeflate(const Bytes& in) {
    z_stream z{};
    EXPECT_EQ(deflateInit2(&z, 9, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    Bytes out(deflateBound(&z, static_cast<uLong>(in.size())));
    z.next_in = const_cast<Bytes::value_type*>(in.data());
    z.avail_in = static_cast<uInt>(in.size());
    z.next_out = out.data();
    z.avail_out = static_cast<uInt>(out.size());
    EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

// A Part 10 file (preamble, DICM, meta header) of the deflated transfer syntax around `dataset`.
Bytes deflatedFile(const Bytes& dataset) {
    Bytes meta;
    element(meta, 0x0002, 0x0002, "UI", std::string("1.2.840.10008.5.1.4.1.1.7") + '\0');
    element(meta, 0x0002, 0x0003, "UI", std::string("1.2.3.4") + '\0');
    element(meta, 0x0002, 0x0010, "UI", "1.2.840.10008.1.2.1.99");
    Bytes file;
    file.reserve(256);
    file.resize(128, 0);  // the preamble
    for (const char c : std::string("DICM")) {
        file.push_back(static_cast<std::uint8_t>(c));
    }
    header(file, 0x0002, 0x0000, "UL", 4, false);
    put32(file, static_cast<std::uint32_t>(meta.size()));
    file.insert(file.end(), meta.begin(), meta.end());
    const Bytes deflated = rawDeflate(dataset);
    file.insert(file.end(), deflated.begin(), deflated.end());
    return file;
}

Bytes start() {
    Bytes d;
    element(d, 0x0008, 0x0016, "UI", std::string("1.2.840.10008.5.1.4.1.1.7") + '\0');
    element(d, 0x0010, 0x0010, "PN", "AB");
    return d;
}

// What the check says about `file`: "" when it lets it through.
std::string verdict(const Bytes& file, std::uint64_t budget = std::uint64_t{1} << 30) {
    const auto offset = dicom::deflatedDatasetOffset(file.data(), file.size());
    EXPECT_TRUE(offset.has_value());
    try {
        dicom::checkDeflatedDataset(file.data(), file.size(), offset.value_or(0), budget);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

std::string writeTemp(const Bytes& bytes, const std::string& name) {
    const std::string path = testing::TempDir() + name;
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
    return path;
}

}  // namespace

TEST(DeflateCheck, RefusesAClaimBeyondTheInflatedDatasetBeforeDcmtkAllocatesIt) {
    Bytes d = start();
    header(d, 0x0009, 0x1010, "OB", 0x40000000, true);  // 1 GiB claimed, 12 bytes there
    d.insert(d.end(), 12, 'A');
    const Bytes file = deflatedFile(d);
    EXPECT_NE(verdict(file).find("element (0009,1010) claims 1.0 GiB, more than the 12 bytes left"),
              std::string::npos)
        << verdict(file);
    // Both ways a file arrives: from its path and as bytes (a PACS retrieval).
    try {
        dicom::DicomFile(writeTemp(file, "deflate_claim.dcm"));
        ADD_FAILURE() << "opened";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("claims 1.0 GiB"), std::string::npos) << e.what();
    }
    try {
        dicom::DicomFile(std::make_shared<const Bytes>(file), "claim.dcm");
        ADD_FAILURE() << "opened";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("claims 1.0 GiB"), std::string::npos) << e.what();
    }
}

TEST(DeflateCheck, ReadsUnknownVrsAsDcmtkDoes) {
    // Two upper-case letters: DCMTK reads the long form (the fuzzers' "TT" claiming 1.3 GiB).
    Bytes upper = start();
    header(upper, 0x0011, 0x0010, "XX", 0x40000000, true);
    EXPECT_NE(verdict(deflatedFile(upper)).find("(0011,0010) claims 1.0 GiB"), std::string::npos);
    // Anything else: a 2-byte length, so the 4 bytes after it are the value, not a length.
    Bytes other = start();
    header(other, 0x0011, 0x0010, "x\x01", 4, false);
    put32(other, 0x40000000);
    element(other, 0x0011, 0x1010, "LO", "ID");
    EXPECT_EQ(verdict(deflatedFile(other)), "");
}

TEST(DeflateCheck, LooksInsideSequencesItemsAndFragments) {
    Bytes d = start();
    header(d, 0x0008, 0x1140, "SQ", 0xFFFFFFFF, true);
    put16(d, 0xFFFE);
    put16(d, 0xE000);
    put32(d, 0xFFFFFFFF);
    element(d, 0x0008, 0x1150, "UI", "1.2\0");
    header(d, 0x0008, 0x1155, "UI", 0xFFF0, false);  // 65520 bytes claimed inside the item
    EXPECT_NE(verdict(deflatedFile(d)).find("(0008,1155) claims"), std::string::npos);

    Bytes f = start();
    header(f, 0x7FE0, 0x0010, "OB", 0xFFFFFFFF, true);
    put16(f, 0xFFFE);
    put16(f, 0xE000);
    put32(f, 0);  // empty Basic Offset Table
    put16(f, 0xFFFE);
    put16(f, 0xE000);
    put32(f, 0x7FFFFFFE);  // a fragment claiming 2 GiB
    f.insert(f.end(), 16, 0);
    EXPECT_NE(verdict(deflatedFile(f)).find("(FFFE,E000) claims 2.0 GiB"), std::string::npos);
}

TEST(DeflateCheck, RefusesADatasetInflatingBeyondTheBudget) {
    Bytes d = start();
    header(d, 0x0009, 0x1010, "OB", 1 << 20, true);
    d.insert(d.end(), 1 << 20, 0);  // 1 MiB of zeros: about 1 KB deflated
    const Bytes file = deflatedFile(d);
    EXPECT_EQ(verdict(file), "");
    EXPECT_NE(verdict(file, 64 << 10).find("inflates to more than the memory budget of 64"),
              std::string::npos)
        << verdict(file, 64 << 10);
}

TEST(DeflateCheck, LetsRealDeflatedFilesAndOtherSyntaxesThrough) {
    const std::string dfl =
        std::string(DCMLENS_CORPUS) + "/image_dfl.dcm";  // pydicom's deflated 512 x 512 image
    std::ifstream in(dfl, std::ios::binary);
    const Bytes bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_GT(bytes.size(), 1000u);
    EXPECT_EQ(verdict(bytes), "");
    dicom::DicomFile file(dfl);
    EXPECT_EQ(file.decodeFrame(0).width(), 512);
    dicom::DicomFile fromBytes(std::make_shared<const Bytes>(bytes), "image_dfl.dcm");
    EXPECT_EQ(fromBytes.decodeFrame(0).height(), 512);

    std::ifstream ct(std::string(DCMLENS_CORPUS) + "/CT_small.dcm", std::ios::binary);
    const Bytes ctBytes((std::istreambuf_iterator<char>(ct)), std::istreambuf_iterator<char>());
    EXPECT_FALSE(dicom::deflatedDatasetOffset(ctBytes.data(), ctBytes.size()).has_value());
}

TEST(DeflateCheck, FindsTheDatasetWhereDcmtkDoesAfterAMutatedMetaHeader) {
    Bytes d = start();
    header(d, 0x0009, 0x1010, "OB", 0x40000000, true);
    const Bytes file = deflatedFile(d);
    // (0002,0003) of 8 bytes at 178 (after the preamble, DICM, the group length, (0002,0002)):
    // an unknown VR there, then its group mutated inside what the Group Length covers.
    for (const std::size_t at : {std::size_t{178 + 4}, std::size_t{178}}) {
        Bytes mutated = file;
        mutated[at] = at == 178 ? 0x6A : 'i';
        mutated[at + 1] = at == 178 ? 0x00 : 't';
        EXPECT_NE(verdict(mutated).find("(0009,1010) claims 1.0 GiB"), std::string::npos) << at;
    }
}
