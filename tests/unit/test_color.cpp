#include <gtest/gtest.h>

#include "common/error.hpp"
#include "pixel/color.hpp"
#include "pixel/colormap.hpp"

using namespace dcmlens;

TEST(Color, YbrGreyStaysGrey) {
    for (int y : {0, 17, 128, 255}) {
        const auto rgb = pixel::ybrToRgb(y, 128, 128, 8, true);
        for (auto c : rgb) {
            EXPECT_NEAR(c, y, 1) << y;
        }
    }
}

TEST(Color, YbrPrimariesClamp) {
    const auto red = pixel::ybrToRgb(76, 85, 255, 8, true);  // BT.601 full-range red
    EXPECT_GE(red[0], 253);
    EXPECT_LE(red[1], 2);
    EXPECT_LE(red[2], 2);
    const auto sixteen = pixel::ybrToRgb(65535, 32768, 32768, 16, false);
    EXPECT_EQ(sixteen[0], 65535);
}

TEST(Color, TableAndFormulaDifferByAtMostOne) {
    for (int y = 0; y < 256; y += 5) {
        for (int c = 0; c < 256; c += 3) {
            const auto a = pixel::ybrToRgb(y, c, 255 - c, 8, true);
            const auto b = pixel::ybrToRgb(y, c, 255 - c, 8, false);
            for (int k = 0; k < 3; ++k) {
                ASSERT_LE(std::abs(a[k] - b[k]), 2) << y << " " << c;
            }
        }
    }
}

TEST(Color, DeepSamplesShiftToEightBits) {
    EXPECT_EQ(pixel::colorTo8Bit(0xABCD, 16), 0xAB);
    EXPECT_EQ(pixel::colorTo8Bit(200, 8), 200);
    EXPECT_EQ(pixel::colorTo8Bit(15, 4), 255);
    EXPECT_EQ(pixel::colorTo8Bit(0xFFFFFFFF, 32), 255);
}

TEST(Color, PaletteUsesTopBitsAndClampsIndices) {
    model::Palette pal;
    for (model::Lut* l : {&pal.red, &pal.green, &pal.blue}) {
        l->firstMapped = 10;
        l->bits = 16;
        l->entries = {0x0000, 0x8000, 0xFFFF};
    }
    EXPECT_EQ(pixel::paletteLookup(pal, 11), (std::array<int, 3>{0x80, 0x80, 0x80}));
    EXPECT_EQ(pixel::paletteLookup(pal, 0), (std::array<int, 3>{0, 0, 0}));
    EXPECT_EQ(pixel::paletteLookup(pal, 99), (std::array<int, 3>{255, 255, 255}));
}

TEST(Colormap, BuiltInsAreLoadedGrayFirst) {
    const auto& maps = pixel::colormaps();
    ASSERT_GE(maps.size(), 4u);
    EXPECT_EQ(maps.front().name, "gray");
    for (const char* name : {"gray", "bone", "hot", "viridis"}) {
        EXPECT_NE(pixel::findColormap(name), nullptr) << name;
    }
    const auto* gray = pixel::findColormap("gray");
    for (int i = 0; i < 256; ++i) {
        EXPECT_EQ(gray->table[i][0], i);
        EXPECT_EQ(gray->table[i][2], i);
    }
    // matplotlib's hot: black -> red -> yellow -> white; viridis starts dark purple.
    const auto* hot = pixel::findColormap("hot");
    EXPECT_EQ(hot->table[0][0], 11);
    EXPECT_EQ(hot->table[255][2], 255);
    const auto* viridis = pixel::findColormap("viridis");
    EXPECT_EQ(viridis->table[0], (std::array<std::uint8_t, 3>{68, 1, 84}));
    EXPECT_EQ(pixel::findColormap("nope"), nullptr);
}

TEST(Colormap, MalformedTablesAreRejected) {
    EXPECT_THROW(pixel::parseColormap("x", "1 2 3\n"), Error);
    EXPECT_THROW(pixel::parseColormap("x", "1 2 300\n"), Error);
}
