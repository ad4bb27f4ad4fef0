#include <gtest/gtest.h>

#include "model/display_text.hpp"

using namespace dcmlens::model;

TEST(DisplayText, ModalityUnitsFromRescaleTypeElseHuForCt) {
    ModalityInfo m;
    m.hasRescale = true;
    m.intercept = -1024;
    EXPECT_EQ(modalityUnits(m, "CT"), "HU");  // PS3.3 C.8.2.1: absent means HU
    EXPECT_EQ(modalityUnits(m, "MR"), "");
    EXPECT_EQ(modalityUnits(m, "PT"), "");
    EXPECT_EQ(modalityUnits(m, ""), "");
    m.rescaleType = "HU_MOD ";
    EXPECT_EQ(modalityUnits(m, "CT"), "HU_MOD");
    m.rescaleType = "OD";
    EXPECT_EQ(modalityUnits(m, "CR"), "OD");
    m.rescaleType = "US";  // unspecified (PS3.3 C.11.1.1.2), not ultrasound
    EXPECT_EQ(modalityUnits(m, "CT"), "");
    ModalityInfo none;  // a CT without any rescale: stored values, no unit known
    EXPECT_EQ(modalityUnits(none, "CT"), "");
    ModalityInfo lut;
    lut.lut = std::make_shared<Lut>();
    lut.hasRescale = true;
    EXPECT_EQ(modalityUnits(lut, "CT"), "");  // a Modality LUT says its own type
}

TEST(DisplayText, DatesInOneFormat) {
    EXPECT_EQ(formatDate("20261125"), "2026-11-25");
    EXPECT_EQ(formatDate("1994.01.30"), "1994-01-30");  // ACR-NEMA
    EXPECT_EQ(formatDate("1994-01-30"), "1994-01-30");
    EXPECT_EQ(formatDate("20240229 "), "2024-02-29");  // padded, leap year
    EXPECT_EQ(formatDate("2026"), "2026");             // partial
    EXPECT_EQ(formatDate("202611"), "2026-11");
    EXPECT_EQ(formatDate(""), "");
    EXPECT_EQ(formatDate("  "), "");
    // Not dates: as written, never a wrong date.
    EXPECT_EQ(formatDate("20230229"), "20230229");
    EXPECT_EQ(formatDate("20261301"), "20261301");
    EXPECT_EQ(formatDate("00000000"), "00000000");
    EXPECT_EQ(formatDate("1994.0130"), "1994.0130");
    EXPECT_EQ(formatDate("yesterday"), "yesterday");
    EXPECT_EQ(formatDate("2026112"), "2026112");
}

TEST(DisplayText, TimesInOneFormat) {
    EXPECT_EQ(formatTime("143005"), "14:30:05");
    EXPECT_EQ(formatTime("143005.123456"), "14:30:05.123456");
    EXPECT_EQ(formatTime("1430"), "14:30");
    EXPECT_EQ(formatTime("14"), "14");
    EXPECT_EQ(formatTime("14:30:05.5"), "14:30:05.5");  // ACR-NEMA
    EXPECT_EQ(formatTime("14:30"), "14:30");
    EXPECT_EQ(formatTime("235960"), "23:59:60");  // leap second
    EXPECT_EQ(formatTime("240000"), "240000");
    EXPECT_EQ(formatTime("126000"), "126000");
    EXPECT_EQ(formatTime("1430.5"), "1430.5");
    EXPECT_EQ(formatTime("143005.1234567"), "143005.1234567");
    EXPECT_EQ(formatTime("noon"), "noon");
}

TEST(DisplayText, DateTimesInOneFormat) {
    EXPECT_EQ(formatDateTime("20261125143005.25+0100"), "2026-11-25 14:30:05.25 +0100");
    EXPECT_EQ(formatDateTime("20261125143005"), "2026-11-25 14:30:05");
    EXPECT_EQ(formatDateTime("2026112514"), "2026-11-25 14");
    EXPECT_EQ(formatDateTime("202611"), "2026-11");
    EXPECT_EQ(formatDateTime("2026-0500"), "2026 -0500");
    EXPECT_EQ(formatDateTime("20261125250000"), "20261125250000");
    EXPECT_EQ(formatDateTime("2026112514+9900"), "2026112514+9900");
    EXPECT_EQ(formatDateTime("2026111"), "2026111");
    EXPECT_EQ(formatDateTime(""), "");
}

TEST(DisplayText, CountsArePluralAware) {
    EXPECT_EQ(countText(1, "image"), "1 image");
    EXPECT_EQ(countText(2, "image"), "2 images");
    EXPECT_EQ(countText(0, "image"), "0 images");
    EXPECT_EQ(countText(1, "entry", "entries"), "1 entry");
    EXPECT_EQ(countText(7, "entry", "entries"), "7 entries");
    EXPECT_EQ(countText(3, "series", "series"), "3 series");
}
