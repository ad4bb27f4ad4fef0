#include <gtest/gtest.h>

#include <cstring>

#include "cli/tag_dump.hpp"
#include "common/error.hpp"
#include "dicom/dicom_file.hpp"

using namespace dcmlens;

namespace {
std::string corpus(const std::string& name) {
    return std::string(DCMLENS_CORPUS) + "/" + name;
}
}  // namespace

TEST(DicomFile, ReadsCtSmallAttributes) {
    dicom::DicomFile file(corpus("CT_small.dcm"));
    const auto& in = file.instance();
    EXPECT_TRUE(file.hasImage());
    EXPECT_EQ(in.pixel.rows, 128);
    EXPECT_EQ(in.pixel.columns, 128);
    EXPECT_EQ(in.pixel.bitsStored, 16);
    EXPECT_TRUE(in.pixel.isSigned);
    EXPECT_EQ(in.modalityCode, "CT");
    EXPECT_TRUE(in.modality.hasRescale);
    EXPECT_EQ(in.modality.slope, 1);
    EXPECT_EQ(in.transferSyntaxUid, "1.2.840.10008.1.2.1");
    ASSERT_TRUE(in.geometry.position);
    ASSERT_TRUE(in.geometry.pixelSpacing);
    const auto frame = file.decodeFrame(0);
    EXPECT_EQ(frame.type(), model::SampleType::I16);
    EXPECT_EQ(frame.width(), 128);
}

TEST(DicomFile, DecodesOneFrameOfAMultiFrameRle) {
    dicom::DicomFile file(corpus("SC_rgb_rle_2frame.dcm"));
    EXPECT_EQ(file.instance().pixel.frames, 2);
    const auto second = file.decodeFrame(1);
    EXPECT_EQ(second.samples(), 3);
    EXPECT_THROW(file.decodeFrame(2), Error);
}

TEST(DicomFile, TagTreeHasSequencesAndFragments) {
    dicom::DicomFile file(corpus("JPEG2000.dcm"));
    bool sawFragments = false;
    for (const auto& node : file.tagTree()) {
        if (node.group == 0x7FE0 && node.element == 0x0010) {
            sawFragments = node.items.size() >= 2;
        }
    }
    EXPECT_TRUE(sawFragments);
}

namespace {
const model::TagNode* findTag(const std::vector<model::TagNode>& nodes, std::uint16_t group,
                              std::uint16_t element) {
    for (const auto& node : nodes) {
        if (node.group == group && node.element == element) {
            return &node;
        }
    }
    return nullptr;
}
}  // namespace

// Pixel data reads as what it is, never as its first bytes ("001a"); short binary values as
// dcmdump shows them (tests/oracle/tags.py holds the whole corpus to dcmdump).
TEST(DicomFile, TagTreeShowsBinaryValuesAsDcmdump) {
    const auto ct = dicom::DicomFile(corpus("CT_small.dcm")).tagTree();
    const model::TagNode* pixels = findTag(ct, 0x7FE0, 0x0010);
    ASSERT_NE(pixels, nullptr);
    EXPECT_EQ(pixels->vr, "OW");
    EXPECT_EQ(pixels->length, 32768u);
    EXPECT_EQ(pixels->value, "(pixel data, 32768 bytes)");
    const model::TagNode* version = findTag(ct, 0x0002, 0x0001);  // File Meta Information Version
    ASSERT_NE(version, nullptr);
    EXPECT_EQ(version->value, "00\\01");

    const auto j2k = dicom::DicomFile(corpus("JPEG2000.dcm")).tagTree();
    const model::TagNode* encapsulated = findTag(j2k, 0x7FE0, 0x0010);
    ASSERT_NE(encapsulated, nullptr);
    EXPECT_EQ(encapsulated->vr, "OB");
    EXPECT_EQ(encapsulated->length, model::TagNode::kUndefinedLength);
    EXPECT_EQ(encapsulated->value, "(encapsulated pixel data, 1 fragment)");
    ASSERT_EQ(encapsulated->items.size(), 2u);
    EXPECT_EQ(encapsulated->items[0].elements[0].value, "(Basic Offset Table, 0 bytes)");
    EXPECT_EQ(encapsulated->items[1].elements[0].value, "(fragment 1, 250 bytes)");
    EXPECT_EQ(encapsulated->items[1].elements[0].length, 250u);

    const std::string text = cli::dumpTags(j2k);  // `info --tags`, File > Export tags
    EXPECT_NE(text.find("(7fe0,0010) OB (encapsulated pixel data, 1 fragment)  # u/l, PixelData\n"),
              std::string::npos)
        << text;
    EXPECT_NE(
        cli::dumpTags(ct).find("(7fe0,0010) OW (pixel data, 32768 bytes)  # 32768, PixelData"),
        std::string::npos);
}

TEST(DicomFile, NonImagesAndGarbageGiveErrors) {
    EXPECT_THROW(dicom::DicomFile("/nonexistent/file.dcm"), Error);
    EXPECT_THROW(dicom::DicomFile(std::string(DCMLENS_CORPUS)), Error);  // a folder
    dicom::DicomFile plan(corpus("rtplan.dcm"));
    EXPECT_FALSE(plan.hasImage());
    EXPECT_THROW(plan.decodeFrame(0), Error);
}

TEST(DicomFile, FrameDataIsTheFileBytes) {
    dicom::DicomFile mr(corpus("MR_small.dcm"));
    const auto bytes = mr.frameData(0);
    const auto stored = mr.decodeFrame(0);
    ASSERT_EQ(bytes.size(), stored.frameByteCount());
    EXPECT_EQ(0, std::memcmp(bytes.data(), stored.frameBytes(0), bytes.size()));  // 16 of 16 bits
    dicom::DicomFile j2k(corpus("JPEG2000.dcm"));
    const auto code = j2k.frameData(0);
    ASSERT_GE(code.size(), 2u);
    EXPECT_EQ(code[0], 0xFF);  // SOC marker of a JPEG 2000 codestream
    EXPECT_EQ(code[1], 0x4F);
    EXPECT_THROW(j2k.frameData(1), Error);
}

#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <thread>

namespace {
// Every image of the corpus that DCMTK can decode, with its frames decoded the usual way.
struct Decoded {
    std::string name;
    model::Instance header;
    model::PixelBuffer stored;
};
std::vector<Decoded> decodableCorpus() {
    std::vector<Decoded> out;
    for (const auto& e : std::filesystem::directory_iterator(DCMLENS_CORPUS)) {
        if (e.path().extension() != ".dcm") {
            continue;
        }
        try {
            dicom::DicomFile file(e.path().string());
            if (!file.hasImage()) {
                continue;
            }
            model::Instance header = file.instance();
            file.decodeAllFrames();
            out.push_back({e.path().filename().string(), std::move(header), file.release().stored});
        } catch (const Error&) {
        }
    }
    return out;
}

bool sameValues(const model::PixelBuffer& a, const model::PixelBuffer& b) {
    return a.type() == b.type() && a.width() == b.width() && a.height() == b.height() &&
           a.samples() == b.samples() && a.frames() == b.frames() && a.planar() == b.planar() &&
           a.byteCount() == b.byteCount() &&
           std::memcmp(a.frameBytes(0), b.frameBytes(0), a.byteCount()) == 0;
}
}  // namespace

// A view writes into memory someone else owns and keeps it alive; copies own their bytes.
TEST(PixelBuffer, ViewsShareAndCopiesOwn) {
    auto memory = std::make_shared<std::vector<std::uint8_t>>(4 * 3 * 2 * 2);
    model::PixelBuffer view =
        model::PixelBuffer::view(model::SampleType::I16, 4, 3, 1, 2, false, memory->data(), memory);
    std::weak_ptr<std::vector<std::uint8_t>> watch = memory;
    memory.reset();
    ASSERT_FALSE(watch.expired());  // the view holds it
    EXPECT_TRUE(view.isView());
    EXPECT_EQ(view.byteCount(), 48u);
    view.set(1, 5, -1234);
    EXPECT_EQ(view.at(1, 5), -1234);
    model::PixelBuffer copy = view;
    EXPECT_FALSE(copy.isView());
    copy.set(1, 5, 7);
    EXPECT_EQ(view.at(1, 5), -1234);  // the copy is its own
    model::PixelBuffer moved = std::move(view);
    EXPECT_TRUE(moved.isView());
    EXPECT_EQ(moved.at(1, 5), -1234);
    moved = model::PixelBuffer();
    EXPECT_TRUE(watch.expired());  // released with the last view
}

// decodeAllFrames into a caller's memory: every decoder writes there (native, big-endian, RLE,
// JPEG-LS, JPEG 2000, multi-frame) and gives the values it gives into its own memory; memory of
// another shape is ignored.
TEST(DicomFile, DecodesIntoTheCallersMemory) {
    std::size_t checked = 0;
    for (const Decoded& d : decodableCorpus()) {
        if (d.stored.samples() != 1) {
            continue;
        }
        std::vector<std::uint8_t> memory(d.stored.byteCount());
        model::PixelBuffer destination =
            model::PixelBuffer::view(d.stored.type(), d.stored.width(), d.stored.height(), 1,
                                     d.stored.frames(), false, memory.data(), nullptr);
        dicom::DicomFile file(corpus(d.name));
        file.decodeAllFrames(std::move(destination));
        const model::PixelBuffer& stored = file.instance().stored;
        EXPECT_TRUE(stored.isView()) << d.name;
        EXPECT_EQ(stored.frameBytes(0), memory.data()) << d.name;
        EXPECT_TRUE(sameValues(stored, d.stored)) << d.name;
        checked += 1;
    }
    EXPECT_GE(checked, 20u);  // the corpus's greyscale images that DCMTK decodes (24)

    dicom::DicomFile file(corpus("MR_small.dcm"));
    std::vector<std::uint8_t> small(32 * 32 * 2);
    file.decodeAllFrames(model::PixelBuffer::view(model::SampleType::I16, 32, 32, 1, 1, false,
                                                  small.data(), nullptr));
    EXPECT_FALSE(file.instance().stored.isView());
    EXPECT_EQ(file.instance().stored.width(), 64);
}

// Native data read from where the header says it lies equals DicomFile's decoding for every
// corpus file that has such a place; a file changed since its header was read, or holding less
// than the header claims, is left to DicomFile.
TEST(DicomFile, NativeFramesReadFromTheirPlaceEqualTheDecoder) {
    std::set<std::string> read;
    for (const Decoded& d : decodableCorpus()) {
        model::PixelBuffer none;
        const auto stored = dicom::readNativeFrames(d.header, none);
        if (!stored) {
            continue;
        }
        EXPECT_TRUE(d.header.nativePixels.has_value());
        EXPECT_TRUE(sameValues(*stored, d.stored)) << d.name;
        read.insert(d.name);
        // Into a caller's memory of the same shape.
        std::vector<std::uint8_t> memory(d.stored.byteCount());
        model::PixelBuffer destination =
            model::PixelBuffer::view(d.stored.type(), d.stored.width(), d.stored.height(), 1,
                                     d.stored.frames(), false, memory.data(), nullptr);
        const auto into = dicom::readNativeFrames(d.header, destination);
        ASSERT_TRUE(into);
        EXPECT_EQ(into->frameBytes(0), memory.data()) << d.name;
        EXPECT_TRUE(sameValues(*into, d.stored)) << d.name;
    }
    // Explicit and implicit VR, signed 16-bit, padding, 32-bit multi-frame. (Values shorter than
    // 4 KB are loaded with the header, and deflated data is not at a place in the file.)
    for (const char* name : {"CT_small.dcm", "MR_small.dcm", "MR_small_implicit.dcm",
                             "MR_small_padded.dcm", "rtdose.dcm"}) {
        EXPECT_EQ(read.count(name), 1u) << name;
    }

    const std::string copy = ::testing::TempDir() + "native_frames.dcm";
    std::filesystem::copy_file(corpus("CT_small.dcm"), copy,
                               std::filesystem::copy_options::overwrite_existing);
    model::Instance header = dicom::DicomFile(copy).instance();
    ASSERT_TRUE(header.nativePixels);
    model::PixelBuffer none;
    EXPECT_TRUE(dicom::readNativeFrames(header, none));
    model::Instance longer = header;
    longer.pixel.rows += 1;  // more than the value holds
    EXPECT_FALSE(dicom::readNativeFrames(longer, none));
    std::filesystem::last_write_time(
        copy, std::filesystem::last_write_time(copy) + std::chrono::seconds(5));
    EXPECT_FALSE(dicom::readNativeFrames(header, none));  // changed since
    // Another file renamed over it, with the same size and time: not the file the header read.
    header = dicom::DicomFile(copy).instance();
    ASSERT_TRUE(dicom::readNativeFrames(header, none));
    const std::string other = ::testing::TempDir() + "native_frames_other.dcm";
    std::filesystem::copy_file(copy, other, std::filesystem::copy_options::overwrite_existing);
    std::filesystem::last_write_time(other, std::filesystem::last_write_time(copy));
    std::filesystem::rename(other, copy);
    EXPECT_FALSE(dicom::readNativeFrames(header, none));
    // Rewritten in place (same file, same size) with its modification time set back.
    header = dicom::DicomFile(copy).instance();
    ASSERT_TRUE(dicom::readNativeFrames(header, none));
    const auto modified = std::filesystem::last_write_time(copy);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    {
        std::fstream f(copy, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(static_cast<std::streamoff>(header.nativePixels->offset));
        f.put('\x7f');
    }
    std::filesystem::last_write_time(copy, modified);
    EXPECT_FALSE(dicom::readNativeFrames(header, none));
    std::filesystem::remove(copy);
    model::Instance compressed = dicom::DicomFile(corpus("MR_small_RLE.dcm")).instance();
    EXPECT_FALSE(compressed.nativePixels);
}
