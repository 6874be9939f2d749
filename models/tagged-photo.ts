import { sharp } from '../src-main/engine/shared/native-packages';

const XMP = `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title><rdf:Alt><rdf:li xml:lang="x-default">Harbour at dawn</rdf:li></rdf:Alt></dc:title><dc:description><rdf:Alt><rdf:li xml:lang="x-default">Boats waiting for the tide</rdf:li></rdf:Alt></dc:description><dc:subject><rdf:Bag><rdf:li>Client-X</rdf:li><rdf:li>boats</rdf:li></rdf:Bag></dc:subject></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;

/** A JPEG as a phone writes it: GPS (Eiffel tower), exposure, lens, a maker string with a NUL inside, and XMP. */
export async function taggedJpeg(): Promise<Buffer> {
  const jpeg = await sharp({ create: { width: 96, height: 64, channels: 3, background: '#358' } })
    .withExif({
      IFD0: { Make: 'Nokia', Model: 'NokiaX2 N9' },
      IFD2: { DateTimeOriginal: '2024:05:06 07:08:09', ISOSpeedRatings: '200', FNumber: '28/10', ExposureTime: '1/250', FocalLength: '35/1', LensModel: 'Carl Zeiss Tessar' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 2964/100', GPSLongitudeRef: 'E', GPSLongitude: '2/1 17/1 4020/100' },
    })
    .withXmp(XMP)
    .jpeg()
    .toBuffer();
  // libvips cuts strings at a NUL, so the NUL is put into the written maker string afterwards ("Nokia\0 2 N9" style).
  const at = jpeg.indexOf('NokiaX2 N9');
  jpeg[at + 5] = 0;
  return jpeg;
}
