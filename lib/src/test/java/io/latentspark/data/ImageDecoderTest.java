package io.latentspark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {

  private static byte[] png(BufferedImage img) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  private static byte[] pgm(String header, byte[] pixels) {
    byte[] h = header.getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[h.length + pixels.length];
    System.arraycopy(h, 0, all, 0, h.length);
    System.arraycopy(pixels, 0, all, h.length, pixels.length);
    return all;
  }

  @Test
  void greyPngKeepsExactValues() throws IOException {
    BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
    int[] v = {0, 51, 102, 153, 204, 255};
    for (int i = 0; i < 6; i++) {
      img.getRaster().setSample(i % 3, i / 3, 0, v[i]);
    }
    Pixels p = new Pixels(1, 2, 3, ImageDecoder.decode(png(img), "g.png", 2, 3, 1).data());
    for (int i = 0; i < 6; i++) {
      assertEquals(v[i] / 255f, p.data()[i], 1e-7);
    }
  }

  @Test
  void rgbPngIsChannelMajorAndConvertsToGreyByLuma() throws IOException {
    BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
    img.setRGB(0, 0, 0xFF0000);
    img.setRGB(1, 0, 0x0000FF);
    float[] rgb = ImageDecoder.decode(png(img), "c.png", 1, 2, 3).data();
    assertArrayEquals(new float[] {1, 0, 0, 0, 0, 1}, rgb);
    float[] grey = ImageDecoder.decode(png(img), "c.png", 1, 2, 1).data();
    assertArrayEquals(new float[] {0.299f, 0.114f}, grey, 1e-6f);
  }

  @Test
  void bmpAndJpegDecode() throws IOException {
    BufferedImage img = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
    for (int i = 0; i < 16; i++) {
      img.setRGB(i % 4, i / 4, 0x00FF00);
    }
    for (String format : new String[] {"bmp", "jpg"}) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      assertTrue(ImageIO.write(img, format, out), format);
      float[] px = ImageDecoder.decode(out.toByteArray(), "x." + format, 4, 4, 3).data();
      assertEquals(0f, px[0], 0.02f, format + " red");
      assertEquals(1f, px[16], 0.02f, format + " green");
      assertEquals(0f, px[32], 0.02f, format + " blue");
    }
  }

  @Test
  void binaryAndAsciiPgmWithComments() {
    byte[] p5 = pgm("P5\n# a comment\n2 2\n255\n", new byte[] {0, (byte) 255, (byte) 128, 64});
    assertArrayEquals(new float[] {0, 1, 128 / 255f, 64 / 255f}, ImageDecoder.decode(p5, "a.pgm", 2, 2, 1).data(), 1e-7f);
    byte[] p2 = "P2\n2 1\n15\n0 15\n".getBytes(StandardCharsets.US_ASCII);
    assertArrayEquals(new float[] {0, 1}, ImageDecoder.decode(p2, "b.pgm", 1, 2, 1).data());
  }

  @Test
  void resizeAveragesAreasWhenShrinking() {
    Pixels p = new Pixels(1, 2, 4, new float[] {0, 1, 0, 0, 1, 0, 1, 1}).resize(1, 2);
    assertArrayEquals(new float[] {0.5f, 0.5f}, p.data(), 1e-6f);
    Pixels up = new Pixels(1, 1, 2, new float[] {0, 1}).resize(1, 4);
    assertEquals(0f, up.data()[0], 1e-6);
    assertEquals(1f, up.data()[3], 1e-6);
    assertTrue(up.data()[1] > 0 && up.data()[1] < up.data()[2]);
  }

  @Test
  void centerCropKeepsTheMiddleAtTheTargetAspectRatio() throws IOException {
    // 2 rows x 4 columns: columns 1 and 2 are the centred square
    Pixels wide = new Pixels(1, 2, 4, new float[] {0, 1, 2, 3, 4, 5, 6, 7});
    assertArrayEquals(new float[] {1, 2, 5, 6}, wide.centerCrop(10, 10).data());
    assertArrayEquals(wide.data(), wide.centerCrop(1, 2).data(), "same aspect ratio: unchanged");
    BufferedImage img = new BufferedImage(4, 2, BufferedImage.TYPE_BYTE_GRAY);
    for (int i = 0; i < 8; i++) {
      img.getRaster().setSample(i % 4, i / 4, 0, i * 30);
    }
    float[] cropped = ImageDecoder.decode(png(img), "w.png", new DecodeOptions(2, 2, 1, true, true)).data();
    assertArrayEquals(new float[] {30 / 255f, 60 / 255f, 150 / 255f, 180 / 255f}, cropped, 1e-6f);
    float[] stretched = ImageDecoder.decode(png(img), "w.png", new DecodeOptions(2, 2, 1, true, false)).data();
    assertEquals((0 + 30) / 2f / 255f, stretched[0], 1e-6, "stretch averages column pairs");
  }

  @Test
  void badInputNamesFileAndReason() {
    ImageDecodeException empty = assertThrows(ImageDecodeException.class, () -> ImageDecoder.decode(new byte[0], "s1/empty.png", 4, 4, 1));
    assertEquals("Cannot decode image s1/empty.png: the file is empty (0 bytes)", empty.getMessage());
    ImageDecodeException junk = assertThrows(ImageDecodeException.class,
        () -> ImageDecoder.decode("hello world".getBytes(StandardCharsets.UTF_8), "s1/notes.jpg", 4, 4, 1));
    assertEquals("Cannot decode image s1/notes.jpg: not an image in a supported format (PNG, JPEG, BMP, GIF, PGM/PPM)", junk.getMessage());
    ImageDecodeException cut = assertThrows(ImageDecodeException.class,
        () -> ImageDecoder.decode(pgm("P5\n4 4\n255\n", new byte[5]), "s2/3.pgm", 4, 4, 1));
    assertEquals("Cannot decode image s2/3.pgm: truncated PNM data: 5 of 16 pixel bytes present", cut.getMessage());
  }

  @Test
  void imageNamesByExtension() {
    assertTrue(ImageDecoder.isImageName("a/B.JPG"));
    assertTrue(ImageDecoder.isImageName("1.pgm"));
    assertTrue(!ImageDecoder.isImageName("README") && !ImageDecoder.isImageName("MD5SUMS") && !ImageDecoder.isImageName("LICENSE.txt"));
  }
}
