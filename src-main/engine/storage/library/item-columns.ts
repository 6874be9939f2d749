/** The columns a LibraryItem is read from (the flag as its name). */
export const ITEM_COLUMNS = "id, path, name, folder, width, height, thumb, rating, CASE flag WHEN 1 THEN 'pick' WHEN -1 THEN 'reject' ELSE 'none' END AS flag";

export const flagName = (value: number): 'pick' | 'reject' | 'none' => (value > 0 ? 'pick' : value < 0 ? 'reject' : 'none');
export const FLAG_VALUES = { pick: 1, none: 0, reject: -1 } as const;
