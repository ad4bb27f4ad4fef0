#include <gtest/gtest.h>

#include <cstring>

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
